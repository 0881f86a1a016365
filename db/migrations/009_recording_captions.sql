-- A recording's captions: a WebVTT file beside its WebM in the recordings directory, with the final
-- lines the captioners posted while it was recorded. Null when nobody captioned.
alter table meeting_recordings
  add column captions_file_name text unique check (captions_file_name ~ '^[A-Za-z0-9_-][A-Za-z0-9_.-]*\.vtt$');
