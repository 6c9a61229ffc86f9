package io.ssemux.server.demo;

import java.util.Map;

/** Work for the {@link JobRunner}; it runs on one of the runner's workers. */
interface Job {
    /** The kind of work: {@code task_type} in every event of the job. */
    String taskType();

    /** Fields every event of the job carries besides {@code id}, {@code task_type} and {@code status}. */
    Map<String, Object> details();

    /**
     * Does the work.
     *
     * @param id       the job's id, unique in the data directory
     * @param progress where to say how far it got
     * @return fields for {@code job_completed}
     * @throws JobFailure with the reason to show; any other exception fails the job as an internal error
     */
    Map<String, Object> run(String id, Progress progress) throws Exception;

    /** Says how far a job is: one {@code job_progress} event. */
    @FunctionalInterface
    interface Progress {
        void report(int percent, String step);
    }
}
