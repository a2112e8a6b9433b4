package dev.retrievals.pytorch;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.retrievals.core.RetrievalsException;

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
            throw new RetrievalsException("DJL's PyTorch engine could not start (is ai.djl.pytorch:pytorch-native-cpu"
                    + " with the classifier of this platform on the classpath?): " + e.getMessage(), e);
        }
    }

    /**
     * A new root manager on a device.
     *
     * @param device {@code cpu}, {@code gpu}, {@code gpu0} …; {@code null} for the engine's default
     */
    public static NDManager newManager(String device) {
        Engine engine = get();
        if (device == null) {
            return engine.newBaseManager();
        }
        Device parsed;
        try {
            parsed = Device.fromName(device, engine);
        } catch (RuntimeException e) {
            throw new RetrievalsException("Device '" + device + "' is not valid; expected cpu, gpu or gpuN", e);
        }
        if (parsed.isGpu() && engine.getGpuCount() <= parsed.getDeviceId()) {
            throw new RetrievalsException("Device '" + device + "' is not available: the PyTorch engine sees "
                    + engine.getGpuCount() + " GPU(s) (CUDA builds of libtorch are not on Maven Central)");
        }
        return engine.newBaseManager(parsed);
    }
}
