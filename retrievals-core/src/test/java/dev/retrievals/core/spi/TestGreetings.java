package dev.retrievals.core.spi;

import com.google.auto.service.AutoService;
import java.util.List;

/** Providers of the test-only {@link Greeting} kind: well-behaved ones and broken ones. */
final class TestGreetings {
    private TestGreetings() {}

    static final OptionSpec<Double> EXCITEMENT =
            OptionSpec.ofDouble("excitement", 1.0, "how many exclamation marks per word").atLeast(0).lessThan(5);
    static final OptionSpec<Integer> REPEAT = OptionSpec.ofInt("repeat", 1, "how often to greet").atLeast(1);
    static final OptionSpec<Boolean> SHOUT = OptionSpec.ofBoolean("shout", false, "upper-case the greeting");
    static final OptionSpec<String> STYLE = OptionSpec.ofChoice("style", "plain", "greeting style", "plain", "formal");

    /** Hello, with options. Registered through @AutoService, so the global registry sees it. */
    @AutoService(PluginProvider.class)
    public static final class Hello implements PluginProvider<Greeting> {
        @Override public PluginKind<Greeting> kind() { return Greeting.KIND; }
        @Override public String name() { return "hello"; }
        @Override public List<String> aliases() { return List.of("hi"); }
        @Override public String description() { return "Says hello."; }
        @Override public OptionSet options() { return OptionSet.of(EXCITEMENT, REPEAT, SHOUT, STYLE); }

        @Override
        public Greeting create(Options options) {
            String marks = "!".repeat((int) Math.round(options.get(EXCITEMENT)));
            String word = options.get(STYLE).equals("formal") ? "Good day" : "hello";
            String once = (options.get(SHOUT) ? word.toUpperCase() : word) + marks;
            int times = options.get(REPEAT);
            return who -> (once + " ").repeat(times) + who;
        }
    }

    /** Goodbye, without options. */
    public static final class Goodbye implements PluginProvider<Greeting> {
        @Override public PluginKind<Greeting> kind() { return Greeting.KIND; }
        @Override public String name() { return "goodbye"; }
        @Override public String description() { return "Says goodbye."; }
        @Override public Greeting create(Options options) { return who -> "goodbye " + who; }
    }

    /** Claims the name of {@link Hello}. */
    public static final class AnotherHello implements PluginProvider<Greeting> {
        @Override public PluginKind<Greeting> kind() { return Greeting.KIND; }
        @Override public String name() { return "hello"; }
        @Override public String description() { return "A second hello."; }
        @Override public Greeting create(Options options) { return who -> "hello again " + who; }
    }

    /** Fails in its constructor, as a provider with a missing dependency would. */
    public static final class Exploding implements PluginProvider<Greeting> {
        public Exploding() {
            throw new IllegalStateException("native library libgreet.so not found");
        }
        @Override public PluginKind<Greeting> kind() { return Greeting.KIND; }
        @Override public String name() { return "exploding"; }
        @Override public String description() { return "Never loads."; }
        @Override public Greeting create(Options options) { return who -> who; }
    }

    /** Has a name that is not lower snake case. */
    public static final class BadlyNamed implements PluginProvider<Greeting> {
        @Override public PluginKind<Greeting> kind() { return Greeting.KIND; }
        @Override public String name() { return "Bad-Name"; }
        @Override public String description() { return "Badly named."; }
        @Override public Greeting create(Options options) { return who -> who; }
    }

    /** A raw provider whose kind says Greeting but whose create returns a String. */
    @SuppressWarnings("rawtypes")
    public static final class WrongType implements PluginProvider {
        @Override public PluginKind kind() { return Greeting.KIND; }
        @Override public String name() { return "wrong_type"; }
        @Override public String description() { return "Returns a string."; }
        @Override public Object create(Options options) { return "not a greeting"; }
    }
}
