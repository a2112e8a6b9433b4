package dev.retrievals.pytorch;

/** Whether texts are queries, documents or neither: it selects the instruction prefix. */
public enum TextRole {
    /** No prefix. */
    PLAIN,
    /** The query instruction is prepended. */
    QUERY,
    /** The document instruction is prepended. */
    DOCUMENT
}
