package io.ssemux.spring.servlet;

import io.ssemux.core.CloseReason;
import io.ssemux.core.Hub;
import io.ssemux.core.SsemuxException;
import io.ssemux.core.transport.ConnectRequest;
import io.ssemux.core.transport.Connection;
import io.ssemux.http.ApiEndpoint;
import io.ssemux.http.ApiRequest;
import io.ssemux.http.HttpAnswer;
import io.ssemux.http.HttpApi;
import io.ssemux.spring.web.PrincipalResolver;
import io.ssemux.spring.web.SinkExecutors;
import io.ssemux.spring.web.WebApiRequest;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ssemux's endpoints on a servlet container (Spring MVC's Tomcat, Jetty or Undertow), mapped at
 * {@code <path>/*}: {@code GET /stream} opens a stream ({@link ServletSink}); {@code POST /publish},
 * {@code /subscriptions}, {@code /token} and {@code GET /stats} are answered by {@link HttpApi}, the
 * protocol's one implementation. The application's filters (Spring Security's among them) run before
 * it, so the request's principal is the signed-in user.
 *
 * <p>Thread-safe; a request's thread returns as soon as its stream is registered (the stream goes on
 * in async mode) and waits only to read a small JSON body.
 */
public final class SsemuxServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(SsemuxServlet.class);

    private final transient Hub hub;
    private final transient HttpApi api;
    private final transient PrincipalResolver principals;
    private final transient SinkExecutors executors;
    private final long outboundLimitBytes;
    private final int maxBodyBytes;

    /**
     * @param outboundLimitBytes the most bytes a stream may have waiting for its client before it is
     *                           cut as a slow consumer
     * @param maxBodyBytes       the largest request body read (a publish of the largest event fits)
     */
    public SsemuxServlet(
            Hub hub,
            HttpApi api,
            PrincipalResolver principals,
            SinkExecutors executors,
            long outboundLimitBytes,
            int maxBodyBytes) {
        this.hub = hub;
        this.api = api;
        this.principals = principals;
        this.executors = executors;
        this.outboundLimitBytes = outboundLimitBytes;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String relative = request.getPathInfo() == null ? "/" : request.getPathInfo();
        ApiEndpoint endpoint = ApiEndpoint.at(relative);
        HttpAnswer refusal = HttpApi.refusal(endpoint, request.getMethod(), request.getRequestURI());
        if (refusal != null) {
            send(response, refusal);
            return;
        }
        try {
            ServletApiRequest apiRequest = new ServletApiRequest(request, principals, maxBodyBytes);
            if (endpoint == ApiEndpoint.STREAM) {
                stream(request, response, apiRequest);
            } else {
                answer(request, response, api.serve(endpoint, apiRequest));
            }
        } catch (SsemuxException e) {
            send(response, HttpAnswer.error(e));
        } catch (RuntimeException e) {
            send(response, HttpApi.failed(request.getMethod() + " " + request.getRequestURI(), e));
        }
    }

    private void stream(HttpServletRequest request, HttpServletResponse response, ApiRequest apiRequest)
            throws IOException {
        ConnectRequest connect = HttpApi.connectRequest(apiRequest);
        ServletSink sink = new ServletSink(executors.next(), outboundLimitBytes);
        // The hub queues the opening frames on the sink's thread; they wait there for start().
        Connection connection = hub.connect(connect, sink);
        try {
            response.setStatus(200);
            HttpApi.STREAM_HEADERS.forEach(response::setHeader);
            AsyncContext async = request.startAsync();
            async.setTimeout(0); // a stream lasts as long as its client and the hub want
            sink.start(async, connection);
        } catch (IllegalStateException | IOException e) {
            connection.closed(CloseReason.CLIENT_GONE); // the hub must not keep a stream that never started
            if (e instanceof IllegalStateException && !request.isAsyncStarted()) {
                throw new IllegalStateException(
                        "a stream needs an async request, which a filter in front of ssemux refused"
                                + " (expected: every filter registered with asyncSupported=true)",
                        e);
            }
            throw e;
        }
    }

    /** Sends the answer now when it is ready (a single node), else from the thread that completes it. */
    private static void answer(
            HttpServletRequest request, HttpServletResponse response, CompletableFuture<HttpAnswer> answer)
            throws IOException {
        if (answer.isDone()) {
            send(response, answer.join());
            return;
        }
        AsyncContext async = request.startAsync();
        async.setTimeout(0); // the hub's own wait (Redis, another node) is bounded
        answer.thenAccept(done -> {
            try {
                send(response, done);
            } catch (IOException e) {
                log.debug("an answer could not be sent", e);
            } finally {
                async.complete();
            }
        });
    }

    private static void send(HttpServletResponse response, HttpAnswer answer) throws IOException {
        response.setStatus(answer.status());
        answer.headers().forEach(response::setHeader);
        response.setContentLength(answer.body().length);
        response.getOutputStream().write(answer.body());
    }

    /** A servlet request as the API reads it. */
    private static final class ServletApiRequest extends WebApiRequest {
        private final HttpServletRequest request;
        private final int maxBodyBytes;

        ServletApiRequest(HttpServletRequest request, PrincipalResolver principals, int maxBodyBytes) {
            super(request.getQueryString(), principals);
            this.request = request;
            this.maxBodyBytes = maxBodyBytes;
        }

        @Override
        protected java.security.Principal user() {
            return request.getUserPrincipal();
        }

        @Override
        public String header(String name) {
            return request.getHeader(name);
        }

        @Override
        public String remoteAddress() {
            return request.getRemoteAddr();
        }

        @Override
        public byte[] body() {
            if (request.getContentLengthLong() > maxBodyBytes) {
                throw tooLarge(maxBodyBytes);
            }
            try (InputStream in = request.getInputStream()) {
                byte[] body = in.readNBytes(maxBodyBytes + 1);
                if (body.length > maxBodyBytes) {
                    throw tooLarge(maxBodyBytes);
                }
                return body;
            } catch (IOException e) {
                throw SsemuxException.badRequest("body: unreadable: " + e.getMessage());
            }
        }
    }
}
