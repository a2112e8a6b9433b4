package dev.retrievals.core.model;

import dev.retrievals.core.RetrievalsException;
import java.util.Locale;

/**
 * Where a model computes, as users write it ({@code --device}, {@code "device"} in a training
 * configuration): {@code cpu}, {@code gpu} (the first GPU) or {@code gpu:N} (DJL's {@code gpuN}
 * is accepted too). Engines turn it into their own device; it never guesses one.
 *
 * @param gpu whether it names a GPU
 * @param index the GPU's index (0 for {@code gpu}); 0 for the CPU
 */
public record DeviceName(boolean gpu, int index) {
    /** What a device name may be, for messages. */
    public static final String ALLOWED = "cpu, gpu or gpu:N (N = 0, 1, ...)";

    /** The CPU. */
    public static final DeviceName CPU = new DeviceName(false, 0);

    /** Checks the values. */
    public DeviceName {
        if (index < 0 || (!gpu && index != 0)) {
            throw new RetrievalsException("A device index must be 0 or more, and 0 for the CPU; got " + (gpu ? "gpu:" : "cpu:") + index);
        }
    }

    /** Parses a device name; the error names the value and what is allowed. */
    public static DeviceName parse(String name) {
        String value = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (value.equals("cpu")) {
            return CPU;
        }
        if (value.equals("gpu")) {
            return new DeviceName(true, 0);
        }
        String digits = value.startsWith("gpu:") ? value.substring(4) : value.startsWith("gpu") ? value.substring(3) : null;
        if (digits != null && !digits.isEmpty() && digits.length() <= 4 && digits.chars().allMatch(Character::isDigit)) {
            return new DeviceName(true, Integer.parseInt(digits));
        }
        throw new RetrievalsException("Device '" + name + "' is not valid; expected " + ALLOWED);
    }

    /** {@code cpu} or {@code gpu:N}. */
    @Override
    public String toString() {
        return gpu ? "gpu:" + index : "cpu";
    }
}
