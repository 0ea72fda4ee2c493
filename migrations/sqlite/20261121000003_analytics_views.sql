-- Analytics views (the same as on PostgreSQL, where SQLite can express them;
-- see its migration and docs/analytics.md for every column). They read the
-- read-model tables only, never `events`. Money is integer minor units of
-- `currency`; days and hours are UTC. Times are stored as RFC 3339 UTC text
-- and days as 'YYYY-MM-DD', so they compare as text.

CREATE VIEW sales_by_item_day AS
    SELECT paid_day,
           item_id,
           category,
           currency,
           count(DISTINCT order_id)                                   AS orders,
           sum(quantity)                                              AS quantity,
           sum(revenue)                                               AS revenue,
           COALESCE(sum(revenue) FILTER (WHERE NOT refunded), 0)      AS net_revenue
      FROM sales_lines
     GROUP BY paid_day, item_id, category, currency;

CREATE VIEW sales_by_category_day AS
    SELECT paid_day,
           category,
           currency,
           count(DISTINCT order_id)                                   AS orders,
           sum(quantity)                                              AS quantity,
           sum(revenue)                                               AS revenue,
           COALESCE(sum(revenue) FILTER (WHERE NOT refunded), 0)      AS net_revenue
      FROM sales_lines
     GROUP BY paid_day, category, currency;

CREATE VIEW sales_by_hour AS
    SELECT paid_hour,
           currency,
           count(DISTINCT order_id)                                   AS orders,
           sum(revenue)                                               AS revenue,
           COALESCE(sum(revenue) FILTER (WHERE NOT refunded), 0)      AS net_revenue
      FROM sales_lines
     GROUP BY paid_hour, currency;

-- Ratios are REAL rounded to four decimals (numeric(5,4) on PostgreSQL).
CREATE VIEW funnel_daily AS
    SELECT day,
           carts,
           checked_out,
           paid,
           delivered,
           round(CAST(checked_out AS REAL) / NULLIF(carts, 0), 4)     AS checkout_rate,
           round(CAST(paid AS REAL) / NULLIF(checked_out, 0), 4)      AS payment_rate,
           round(CAST(delivered AS REAL) / NULLIF(paid, 0), 4)        AS delivery_rate,
           round(CAST(paid AS REAL) / NULLIF(carts, 0), 4)            AS conversion_rate
      FROM (SELECT date(created_at)      AS day,
                   count(*)              AS carts,
                   count(checked_out_at) AS checked_out,
                   count(paid_at)        AS paid,
                   count(delivered_at)   AS delivered
              FROM sales_orders
             GROUP BY date(created_at)) AS steps;

CREATE VIEW repeat_customers AS
    WITH kept AS (
        -- Paid orders the customer kept: not cancelled or rejected, not refunded.
        -- Numbered per customer in payment order (there is no stored counter).
        SELECT o.customer_id,
               row_number() OVER (PARTITION BY o.customer_id ORDER BY o.paid_at, o.order_id) AS order_number
          FROM sales_orders o
         WHERE o.paid_at IS NOT NULL
           AND o.cancelled_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM sales_lines l WHERE l.order_id = o.order_id AND l.refunded)
    )
    SELECT count(*) FILTER (WHERE order_number = 1) AS paying_customers,
           count(*) FILTER (WHERE order_number = 2) AS repeat_customers,
           round(CAST(count(*) FILTER (WHERE order_number = 2) AS REAL)
                 / NULLIF(count(*) FILTER (WHERE order_number = 1), 0), 4) AS repeat_rate
      FROM kept;

-- SQLite has no percentile_cont: this view gives the AVERAGE minutes from
-- payment to ready and to delivered/picked up (avg_ready_minutes,
-- avg_delivered_minutes) instead of PostgreSQL's p50/p90 columns.
CREATE VIEW prep_times_daily AS
    SELECT date(paid_at) AS day,
           count(*)      AS orders,
           round(avg((julianday(ready_at) - julianday(paid_at)) * 1440), 1)     AS avg_ready_minutes,
           round(avg((julianday(delivered_at) - julianday(paid_at)) * 1440), 1) AS avg_delivered_minutes
      FROM sales_orders
     WHERE paid_at IS NOT NULL
       AND ready_at IS NOT NULL
     GROUP BY date(paid_at);
