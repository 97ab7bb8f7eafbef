-- An endpoint's recent attempts, for its success rate and latency over the last 24 hours, without reading every
-- endpoint's attempts of the day.
CREATE INDEX delivery_attempts_endpoint_started ON delivery_attempts (endpoint_id, started_at);
