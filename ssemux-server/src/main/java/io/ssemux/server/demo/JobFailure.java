package io.ssemux.server.demo;

/** Why a job failed, in words for the person who started it: the {@code reason} of {@code job_failed}. */
final class JobFailure extends Exception {
    private static final long serialVersionUID = 1L;

    JobFailure(String reason) {
        super(reason, null, false, false);
    }
}
