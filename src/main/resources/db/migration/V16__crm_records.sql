-- The CRM record owner sync found or created for a customer, per connection: used first the next time, so a
-- customer matched once is never searched for again (or created twice), and re-checked in case it was deleted.
CREATE TABLE crm_records (
    connection_id  text NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    customer_phone text NOT NULL,
    record_kind    text NOT NULL,
    record_id      text NOT NULL,
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (connection_id, customer_phone)
);
