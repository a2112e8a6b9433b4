package dev.retrievals.core.data;

import java.util.Map;

/** A row with the place it came from, so every later error can name file and line. */
record SourcedRow(String location, Map<String, Object> values) {}
