package io.ssemux.core;

/**
 * The outcome of a publish.
 *
 * @param id        the event's id
 * @param delivered how many connections it was handed to
 */
public record PublishResult(String id, int delivered) {}
