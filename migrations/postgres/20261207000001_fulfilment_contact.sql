-- A fulfilment carries the customer's phone for pickup too, and a comment to
-- the restaurant with either choice ("ring twice, no cutlery"). Both live in
-- the fulfilment's JSON, so no column changes; the descriptions say so.
-- (SQLite keeps no column comments: nothing to change there.)

COMMENT ON COLUMN staff_orders.fulfilment IS 'The fulfilment as last chosen: {"kind": "delivery", "address", "phone", "comment"?} or {"kind": "pickup", "phone"?, "comment"?}; phone and comment absent or null when the customer left none.';
COMMENT ON COLUMN staff_posts.fulfilment IS 'Delivery address, or pickup, with the customer''s phone and comment, as chosen before payment (JSON as in staff_orders.fulfilment).';
