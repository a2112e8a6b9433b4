package dev.retrievals.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginRegistryTest {
    private static final String HELLO = TestGreetings.Hello.class.getName();
    private static final String GOODBYE = TestGreetings.Goodbye.class.getName();

    @TempDir
    Path folder;

    private PluginRegistry registryListing(String... classNames) throws Exception {
        try (URLClassLoader loader = ServiceFileClassLoader.listing(folder, List.of(classNames))) {
            return PluginRegistry.load(loader);
        }
    }

    @Test
    void findsPluginsByNameCaseInsensitivelyAndByAlias() throws Exception {
        PluginRegistry registry = registryListing(HELLO, GOODBYE);

        assertThat(registry.provider(Greeting.KIND, "hello")).isInstanceOf(TestGreetings.Hello.class);
        assertThat(registry.provider(Greeting.KIND, " HeLLo ")).isInstanceOf(TestGreetings.Hello.class);
        assertThat(registry.provider(Greeting.KIND, "HI")).isInstanceOf(TestGreetings.Hello.class);
        assertThat(registry.create(Greeting.KIND, "goodbye").greet("Ann")).isEqualTo("goodbye Ann");
        assertThat(registry.contains(Greeting.KIND, "Goodbye")).isTrue();
        assertThat(registry.contains(Greeting.KIND, "ciao")).isFalse();
    }

    @Test
    void listsOnePluginPerProviderSortedByName() throws Exception {
        PluginRegistry registry = registryListing(HELLO, GOODBYE);

        assertThat(registry.names(Greeting.KIND)).containsExactly("goodbye", "hello");
        assertThat(registry.kinds()).containsExactly(Greeting.KIND);
        assertThat(registry.names(PluginKinds.LOSS)).isEmpty();
        assertThat(registry.failures()).isEmpty();
    }

    @Test
    void unknownNameListsAvailableNamesAndSuggestsAMissingJar() throws Exception {
        PluginRegistry registry = registryListing(HELLO, GOODBYE);

        assertThatThrownBy(() -> registry.provider(Greeting.KIND, "ciao"))
                .isInstanceOf(UnknownPluginException.class)
                .hasMessageContaining("Unknown greeting 'ciao'")
                .hasMessageContaining("Available greeting plugins: goodbye, hello")
                .hasMessageContaining("jar may be missing from the classpath");
        assertThatThrownBy(() -> registry.provider(PluginKinds.LOSS, "infonce"))
                .hasMessageContaining("Unknown loss 'infonce'")
                .hasMessageContaining("No loss plugins are available");
    }

    @Test
    void twoProvidersWithOneNameFailWithBothClassNames() {
        assertThatThrownBy(() -> registryListing(HELLO, GOODBYE, TestGreetings.AnotherHello.class.getName()))
                .isInstanceOf(DuplicatePluginException.class)
                .hasMessageContaining("'hello'")
                .hasMessageContaining(HELLO)
                .hasMessageContaining(TestGreetings.AnotherHello.class.getName());
    }

    @Test
    void aProviderThatThrowsInItsConstructorIsReportedAndTheOthersStillWork() throws Exception {
        String exploding = TestGreetings.Exploding.class.getName();
        PluginRegistry registry = registryListing(exploding, HELLO, GOODBYE);

        assertThat(registry.names(Greeting.KIND)).containsExactly("goodbye", "hello");
        assertThat(registry.failures()).singleElement()
                .satisfies(failure -> assertThat(failure.provider()).isEqualTo(exploding))
                .satisfies(failure -> assertThat(failure.describe()).contains("libgreet.so not found"));
        assertThatThrownBy(() -> registry.provider(Greeting.KIND, "exploding"))
                .hasMessageContaining("Providers that failed to load")
                .hasMessageContaining(exploding)
                .hasMessageContaining("libgreet.so not found");
    }

    @Test
    void aListedClassThatDoesNotExistIsReportedAndTheOthersStillWork() throws Exception {
        PluginRegistry registry = registryListing("com.example.MissingProvider", HELLO);

        assertThat(registry.names(Greeting.KIND)).containsExactly("hello");
        assertThat(registry.failures()).singleElement()
                .satisfies(failure -> assertThat(failure.provider()).isEqualTo("com.example.MissingProvider"));
    }

    @Test
    void aNameThatIsNotLowerSnakeCaseIsReportedAsAFailure() throws Exception {
        PluginRegistry registry = registryListing(TestGreetings.BadlyNamed.class.getName(), GOODBYE);

        assertThat(registry.names(Greeting.KIND)).containsExactly("goodbye");
        assertThat(registry.failures()).singleElement()
                .satisfies(failure -> assertThat(failure.describe()).contains("Bad-Name").contains("lower snake case"));
    }

    @Test
    void createsFromTextOptionsAndFromTypedOptions() throws Exception {
        PluginRegistry registry = registryListing(HELLO);

        Greeting fromText = registry.create(Greeting.KIND, "hello",
                Map.of("excitement", "2", "repeat", "2", "shout", "true", "STYLE", "Formal"));
        assertThat(fromText.greet("Bo")).isEqualTo("GOOD DAY!! GOOD DAY!! Bo");
        Greeting typed = registry.create(Greeting.KIND, "hello", Map.of("excitement", 0.0, "repeat", 1));
        assertThat(typed.greet("Bo")).isEqualTo("hello Bo");
        assertThat(registry.create(Greeting.KIND, "hello").greet("Bo")).isEqualTo("hello! Bo");
    }

    @Test
    void anUnknownOptionKeyNamesTheKeyAndTheKnownOnes() throws Exception {
        PluginRegistry registry = registryListing(HELLO, GOODBYE);

        assertThatThrownBy(() -> registry.create(Greeting.KIND, "hello", Map.of("excitment", 2)))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("Unknown option 'excitment' for greeting 'hello'; known options: excitement, repeat, shout, style");
        assertThatThrownBy(() -> registry.create(Greeting.KIND, "goodbye", Map.of("loud", true)))
                .hasMessage("Unknown option 'loud': greeting 'goodbye' takes no options");
    }

    @Test
    void anOutOfRangeValueNamesTheOptionTheValueAndTheRange() throws Exception {
        PluginRegistry registry = registryListing(HELLO);

        assertThatThrownBy(() -> registry.create(Greeting.KIND, "hello", Map.of("excitement", -0.5)))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("Option 'excitement' of greeting 'hello' is -0.5; allowed: a number in [0, 5)");
        assertThatThrownBy(() -> registry.create(Greeting.KIND, "hello", Map.of("excitement", "5")))
                .hasMessage("Option 'excitement' of greeting 'hello' is '5'; allowed: a number in [0, 5)");
        assertThatThrownBy(() -> registry.create(Greeting.KIND, "hello", Map.of("repeat", "0")))
                .hasMessage("Option 'repeat' of greeting 'hello' is '0'; allowed: an integer in [1, +inf)");
    }

    @Test
    void aValueOfTheWrongTypeNamesWhatIsExpected() throws Exception {
        PluginRegistry registry = registryListing(HELLO);

        assertThatThrownBy(() -> registry.create(Greeting.KIND, "hello", Map.of("repeat", "1.5")))
                .hasMessage("Option 'repeat' of greeting 'hello' is '1.5'; allowed: an integer in [1, +inf)");
        assertThatThrownBy(() -> registry.create(Greeting.KIND, "hello", Map.of("shout", "yes")))
                .hasMessage("Option 'shout' of greeting 'hello' is 'yes'; allowed: true or false");
        assertThatThrownBy(() -> registry.create(Greeting.KIND, "hello", Map.of("style", "casual")))
                .hasMessage("Option 'style' of greeting 'hello' is 'casual'; allowed: one of plain, formal");
        assertThatThrownBy(() -> registry.create(Greeting.KIND, "hello", Map.of("excitement", "NaN")))
                .hasMessageContaining("Option 'excitement' of greeting 'hello' is 'NaN'");
    }

    @Test
    void aProviderThatCreatesTheWrongTypeIsRefused() throws Exception {
        PluginRegistry registry = registryListing(TestGreetings.WrongType.class.getName());

        assertThatThrownBy(() -> registry.create(Greeting.KIND, "wrong_type"))
                .isInstanceOf(PluginException.class)
                .hasMessageContaining("created java.lang.String, not a " + Greeting.class.getName());
    }

    @Test
    void theGlobalRegistryFindsProvidersRegisteredWithAutoService() {
        assertThat(PluginRegistry.global().names(Greeting.KIND)).contains("hello");
        assertThat(PluginRegistry.global()).isSameAs(PluginRegistry.global());
    }
}
