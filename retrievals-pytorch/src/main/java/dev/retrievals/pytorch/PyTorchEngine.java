package dev.retrievals.pytorch;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.model.DeviceName;

/**
 * Access to DJL's PyTorch engine. Keeps DJL offline unless the user says otherwise (the native
 * library comes from Maven), and never assumes a device: the caller chooses it.
 */
public final class PyTorchEngine {
    /** The name DJL registers the engine under. */
    public static final String NAME = "PyTorch";

    private PyTorchEngine() {}

    /** The engine; the first call loads libtorch. */
    public static Engine get() {
        if (System.getProperty("ai.djl.offline") == null && System.getenv("DJL_OFFLINE") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        try {
            return Engine.getEngine(NAME);
        } catch (RuntimeException e) {
            throw new RetrievalsException("DJL's PyTorch engine could not start: the application chooses libtorch, so add"
                    + " ai.djl.pytorch:pytorch-native-cpu with this platform's classifier (linux-x86_64, linux-aarch64,"
                    + " osx-aarch64, win-x86_64; the version comes from retrievals-bom), or point PYTORCH_LIBRARY_PATH at a"
                    + " libtorch 2.7.1 (README, \"Use it in your application\"): " + e.getMessage(), e);
        }
    }

    /**
     * A new root manager on a device.
     *
     * @param device {@code cpu}, {@code gpu}, {@code gpu:N} (see {@link DeviceName}); {@code null} for the
     *     engine's default (DJL's: the first GPU when the engine sees one, else the CPU)
     * @throws RetrievalsException for a name that is not a device, or a GPU the engine does not see
     */
    public static NDManager newManager(String device) {
        Engine engine = get();
        if (device == null) {
            return engine.newBaseManager();
        }
        DeviceName parsed = DeviceName.parse(device);
        if (!parsed.gpu()) {
            return engine.newBaseManager(Device.cpu());
        }
        int visible = engine.getGpuCount();
        if (visible <= parsed.index()) {
            throw new RetrievalsException("Device '" + device + "' is not available: the PyTorch engine sees " + visible
                    + " GPU(s). A GPU needs a CUDA build of libtorch (not on Maven Central; see the README's GPU section)"
                    + " and a CUDA driver; or use --device cpu");
        }
        return engine.newBaseManager(Device.gpu(parsed.index()));
    }
}
