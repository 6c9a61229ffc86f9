package io.ssemux.examples.photojobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What the page learns of a job: the data of {@code job_started}, {@code job_progress},
 * {@code job_completed} and {@code job_failed}, and the upload's answer. The fields are the
 * standalone demo's, which its page reads; those that do not apply are left out of the JSON.
 *
 * @param status   {@code queued}, {@code running}, {@code completed} or {@code failed}
 * @param progress percent done, but in {@code job_failed}
 * @param step     what the job does now ({@code job_progress})
 * @param photo    where the photo is stored, in its project folder ({@code job_completed})
 * @param reason   why the job failed ({@code job_failed})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record JobEvent(
        String id,
        @JsonProperty("task_type") String taskType,
        String status,
        Integer progress,
        String step,
        @JsonProperty("project_folder") String projectFolder,
        @JsonProperty("file_name") String fileName,
        String photo,
        String thumbnail,
        Integer width,
        Integer height,
        String reason) {}
