package io.ssemux.examples.photojobs;

import io.ssemux.core.Names;
import io.ssemux.core.SsemuxException;
import io.ssemux.http.HttpAnswer;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.util.unit.DataSize;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;

/**
 * Answers the app's refused requests as ssemux answers its own: the status, and
 * {@code {"status","error","message"}} with a message that says what was expected (written by
 * ssemux's {@link HttpAnswer}, so the page reads both alike). Refusals are {@link SsemuxException}s;
 * Spring MVC's own, from before the controller runs, are turned into one, and Spring Security's
 * refusals of API requests are answered alike ({@link WebSecurity}).
 */
@RestControllerAdvice
final class ApiErrors {
    private static final String EXPECTED_FORM = "multipart/form-data with one '" + PhotoController.FIELD + "' file";

    private final DataSize maxFileSize;

    ApiErrors(@Value("${spring.servlet.multipart.max-file-size:1MB}") DataSize maxFileSize) {
        this.maxFileSize = maxFileSize;
    }

    /** Spring Security's answer to an API request from nobody: 401, where a page is sent to the login form. */
    static void unauthorized(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        write(response, 401, "unauthorized", "no signed-in user (expected: the session of a sign-in at /login)");
    }

    /** Spring Security's answer to an API request it refuses: a POST without the CSRF token. */
    static void forbidden(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        write(
                response,
                403,
                "forbidden",
                e.getMessage() + " (expected: the XSRF-TOKEN cookie's value in an X-XSRF-TOKEN header)");
    }

    private static void write(HttpServletResponse response, int status, String code, String message)
            throws IOException {
        HttpAnswer answer = HttpAnswer.error(status, code, message);
        response.setStatus(answer.status());
        answer.headers().forEach(response::setHeader);
        response.getOutputStream().write(answer.body());
    }

    @ExceptionHandler
    ResponseEntity<byte[]> refused(SsemuxException e) {
        HttpAnswer answer = HttpAnswer.error(e);
        HttpHeaders headers = new HttpHeaders();
        answer.headers().forEach(headers::add);
        return ResponseEntity.status(answer.status()).headers(headers).body(answer.body());
    }

    @ExceptionHandler
    ResponseEntity<byte[]> tooLarge(MaxUploadSizeExceededException e) {
        return refused(
                SsemuxException.payloadTooLarge("file: larger than the limit (expected: a JPEG or PNG of at most "
                        + maxFileSize.toBytes() + " bytes)"));
    }

    @ExceptionHandler
    ResponseEntity<byte[]> notAForm(HttpMediaTypeNotSupportedException e) {
        return refused(SsemuxException.unsupportedMediaType("Content-Type "
                + Names.quote(String.valueOf(e.getContentType())) + ": not accepted (expected: " + EXPECTED_FORM
                + ")"));
    }

    @ExceptionHandler({MissingServletRequestPartException.class, MultipartException.class})
    ResponseEntity<byte[]> badForm(Exception e) {
        return refused(SsemuxException.badRequest("form: " + e.getMessage() + " (expected: " + EXPECTED_FORM + ")"));
    }
}
