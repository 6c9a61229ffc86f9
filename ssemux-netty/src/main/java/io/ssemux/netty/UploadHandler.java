package io.ssemux.netty;

import java.util.concurrent.CompletionStage;

/**
 * An application endpoint that takes {@code multipart/form-data} uploads: the request head is
 * judged before a byte of the body is read, and the body's files stream to temporary files as they
 * arrive, never held whole in memory. Register it with
 * {@link SsemuxServer.Builder#upload(String, UploadHandler, int, int)}.
 *
 * <pre>{@code
 * builder.upload("/api/photos/*", new UploadHandler() {
 *     public RouteResponse accept(RouteRequest head) {
 *         return head.method().equals("POST") ? null : RouteResponse.json(405, "{...}");
 *     }
 *     public CompletionStage<RouteResponse> handle(RouteRequest head, UploadedForm form) {
 *         UploadedFile file = form.files("photo").get(0);
 *         return CompletableFuture.supplyAsync(() -> store(file), executor);   // off the event loop
 *     }
 * }, 10 << 20, 4);
 * }</pre>
 *
 * <p>Threading: both methods run on a Netty I/O thread and must return quickly; anything that reads
 * or moves a file belongs in the returned stage, on an executor of your own. Throwing
 * {@link io.ssemux.core.SsemuxException} answers its status with a JSON error, any other exception
 * 500. Every refusal (a 4xx or 5xx from either method or from the server) is sent with
 * {@code Connection: close}, and the connection closes after it.
 */
public interface UploadHandler {
    /**
     * Judges an upload from its head alone, before its body is read: path, method, user,
     * {@code Content-Type}, room for the work. {@link RouteRequest#body()} is empty here.
     *
     * @return {@code null} to read the body, or the answer that refuses it (its body is then not read)
     */
    RouteResponse accept(RouteRequest head) throws Exception;

    /**
     * Answers a complete upload that {@link #accept} let through. {@code head} and {@code form} stay
     * valid until the returned stage completes; then the server deletes every file of the form
     * that was not {@linkplain UploadedFile#moveTo moved}, and writes the stage's answer (an
     * exception answers as if thrown here).
     */
    CompletionStage<RouteResponse> handle(RouteRequest head, UploadedForm form) throws Exception;
}
