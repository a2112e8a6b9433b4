package dev.retrievals.core.spi;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A class loader whose only service file lists the given provider class names, as a jar would. */
final class ServiceFileClassLoader {
    private ServiceFileClassLoader() {}

    static URLClassLoader listing(Path folder, List<String> providerClassNames) throws IOException {
        Path services = folder.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.write(services.resolve(PluginProvider.class.getName()), providerClassNames);
        // No parent resources: only this folder's service file is visible; classes come from the test class path.
        ClassLoader classes = ServiceFileClassLoader.class.getClassLoader();
        return new URLClassLoader(new URL[] {folder.toUri().toURL()}, null) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                return classes.loadClass(name);
            }
        };
    }
}
