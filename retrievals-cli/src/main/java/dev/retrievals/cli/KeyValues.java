package dev.retrievals.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code KEY=VALUE} words of a repeatable option (such as {@code --loss-option}) as an ordered map. */
final class KeyValues {
    private KeyValues() {}

    /**
     * Parses the words, trimming keys and values.
     *
     * @param flag the option's name without dashes, for messages
     * @param command the command's name, for messages
     * @throws UsageException for a word without {@code =} or with an empty key
     */
    static Map<String, String> parse(String flag, String command, List<String> words) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String word : words) {
            int equals = word.indexOf('=');
            if (equals <= 0) {
                throw new UsageException("option --" + flag + " of '" + command + "' is '" + word + "'; expected key=value");
            }
            map.put(word.substring(0, equals).trim(), word.substring(equals + 1).trim());
        }
        return map;
    }
}
