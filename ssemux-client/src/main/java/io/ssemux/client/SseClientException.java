package io.ssemux.client;

/**
 * Something went wrong between a client and its server: a refused request (with the HTTP status and
 * the message of the server's JSON error body), a response that is not an event stream, or an I/O
 * failure (status 0, the cause attached).
 */
public final class SseClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * @param status  the HTTP status of the response, 0 when there was none
     * @param message what happened, for people
     * @param cause   the underlying failure, or {@code null}
     */
    public SseClientException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status of the response, or 0 when there was none (I/O failure, dead connection). */
    public int status() {
        return status;
    }
}
