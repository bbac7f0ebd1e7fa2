/** Which model-service API a backend speaks: the Responses API (default) or the Assistants API. */
export type BackendName = 'responses' | 'assistants';
