package dev.retrievals.core.spi;

/** A plugin kind that exists only in these tests. */
public interface Greeting {
    PluginKind<Greeting> KIND = PluginKind.of("greeting", Greeting.class);

    String greet(String who);
}
