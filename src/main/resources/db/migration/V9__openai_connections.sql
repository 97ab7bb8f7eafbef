-- The AI bot can ask an OpenAI-compatible chat-completions API; its key is a connection like any other.
ALTER TABLE connections DROP CONSTRAINT connections_type_check;
ALTER TABLE connections ADD CONSTRAINT connections_type_check
    CHECK (type IN ('http', 'google_service_account', 'hubspot', 'zoho', 'salesforce', 'openai'));
