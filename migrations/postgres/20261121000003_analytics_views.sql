-- Analytics views: ready-made aggregates over the read models for analysts
-- (docs/analytics.md). They read the read-model tables only, never `events`, so
-- they are exactly as fresh as the projection and survive a rebuild unchanged.
-- Money is integer minor units of `currency`; days and hours are UTC.
-- "revenue" is the sum of paid item lines (delivery fees excluded);
-- "net_revenue" leaves out the lines of refunded orders.

CREATE VIEW sales_by_item_day AS
    SELECT paid_day,
           item_id,
           category,
           currency,
           count(DISTINCT order_id)                                       AS orders,
           sum(quantity)::bigint                                          AS quantity,
           sum(revenue)::bigint                                           AS revenue,
           COALESCE(sum(revenue) FILTER (WHERE NOT refunded), 0)::bigint  AS net_revenue
      FROM sales_lines
     GROUP BY paid_day, item_id, category, currency;
COMMENT ON VIEW sales_by_item_day IS 'Paid item lines per UTC day of payment and menu item. Money in minor units of currency.';
COMMENT ON COLUMN sales_by_item_day.paid_day IS 'UTC day of payment.';
COMMENT ON COLUMN sales_by_item_day.item_id IS 'Menu item id.';
COMMENT ON COLUMN sales_by_item_day.category IS 'Menu category id at checkout.';
COMMENT ON COLUMN sales_by_item_day.currency IS 'ISO 4217 code of the amounts in the row.';
COMMENT ON COLUMN sales_by_item_day.orders IS 'Paid orders containing the item.';
COMMENT ON COLUMN sales_by_item_day.quantity IS 'Units sold (refunded orders included).';
COMMENT ON COLUMN sales_by_item_day.revenue IS 'Sum of line totals at the frozen price (minor units), refunded orders included.';
COMMENT ON COLUMN sales_by_item_day.net_revenue IS 'revenue without the lines of refunded orders (minor units).';

CREATE VIEW sales_by_category_day AS
    SELECT paid_day,
           category,
           currency,
           count(DISTINCT order_id)                                       AS orders,
           sum(quantity)::bigint                                          AS quantity,
           sum(revenue)::bigint                                           AS revenue,
           COALESCE(sum(revenue) FILTER (WHERE NOT refunded), 0)::bigint  AS net_revenue
      FROM sales_lines
     GROUP BY paid_day, category, currency;
COMMENT ON VIEW sales_by_category_day IS 'Paid item lines per UTC day of payment and menu category. Money in minor units of currency.';
COMMENT ON COLUMN sales_by_category_day.paid_day IS 'UTC day of payment.';
COMMENT ON COLUMN sales_by_category_day.category IS 'Menu category id at checkout.';
COMMENT ON COLUMN sales_by_category_day.currency IS 'ISO 4217 code of the amounts in the row.';
COMMENT ON COLUMN sales_by_category_day.orders IS 'Paid orders with at least one line of the category.';
COMMENT ON COLUMN sales_by_category_day.quantity IS 'Units sold (refunded orders included).';
COMMENT ON COLUMN sales_by_category_day.revenue IS 'Sum of line totals at the frozen price (minor units), refunded orders included.';
COMMENT ON COLUMN sales_by_category_day.net_revenue IS 'revenue without the lines of refunded orders (minor units).';

CREATE VIEW sales_by_hour AS
    SELECT paid_hour,
           currency,
           count(DISTINCT order_id)                                       AS orders,
           sum(revenue)::bigint                                           AS revenue,
           COALESCE(sum(revenue) FILTER (WHERE NOT refunded), 0)::bigint  AS net_revenue
      FROM sales_lines
     GROUP BY paid_hour, currency;
COMMENT ON VIEW sales_by_hour IS 'All-time sales per UTC hour of day of payment (0-23). Money in minor units of currency.';
COMMENT ON COLUMN sales_by_hour.paid_hour IS 'UTC hour of payment, 0-23.';
COMMENT ON COLUMN sales_by_hour.currency IS 'ISO 4217 code of the amounts in the row.';
COMMENT ON COLUMN sales_by_hour.orders IS 'Paid orders (refunded ones included).';
COMMENT ON COLUMN sales_by_hour.revenue IS 'Sum of line totals (minor units), refunded orders included.';
COMMENT ON COLUMN sales_by_hour.net_revenue IS 'revenue without the lines of refunded orders (minor units).';

CREATE VIEW funnel_daily AS
    SELECT day,
           carts,
           checked_out,
           paid,
           delivered,
           round(checked_out::numeric / NULLIF(carts, 0), 4)::numeric(5, 4)       AS checkout_rate,
           round(paid::numeric / NULLIF(checked_out, 0), 4)::numeric(5, 4)        AS payment_rate,
           round(delivered::numeric / NULLIF(paid, 0), 4)::numeric(5, 4)          AS delivery_rate,
           round(paid::numeric / NULLIF(carts, 0), 4)::numeric(5, 4)              AS conversion_rate
      FROM (SELECT (created_at AT TIME ZONE 'UTC')::date AS day,
                   count(*)              AS carts,
                   count(checked_out_at) AS checked_out,
                   count(paid_at)        AS paid,
                   count(delivered_at)   AS delivered
              FROM sales_orders
             GROUP BY 1) AS steps;
COMMENT ON VIEW funnel_daily IS 'Order funnel per UTC day the cart was opened (a cohort: later steps count for the day the cart was opened, whenever they happened).';
COMMENT ON COLUMN funnel_daily.day IS 'UTC day the carts were opened.';
COMMENT ON COLUMN funnel_daily.carts IS 'Carts opened that day (funnel step 1).';
COMMENT ON COLUMN funnel_daily.checked_out IS 'Of those, checked out at least once (step 2).';
COMMENT ON COLUMN funnel_daily.paid IS 'Of those, paid (step 3), even if later cancelled, rejected or refunded.';
COMMENT ON COLUMN funnel_daily.delivered IS 'Of those, delivered or picked up (step 4).';
COMMENT ON COLUMN funnel_daily.checkout_rate IS 'checked_out / carts; null when there is no cart.';
COMMENT ON COLUMN funnel_daily.payment_rate IS 'paid / checked_out; null when nothing was checked out.';
COMMENT ON COLUMN funnel_daily.delivery_rate IS 'delivered / paid; null when nothing was paid.';
COMMENT ON COLUMN funnel_daily.conversion_rate IS 'paid / carts: cart-to-payment conversion.';

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
           round(count(*) FILTER (WHERE order_number = 2)::numeric
                 / NULLIF(count(*) FILTER (WHERE order_number = 1), 0), 4)::numeric(5, 4) AS repeat_rate
      FROM kept;
COMMENT ON VIEW repeat_customers IS 'One row, all time: customers with at least one kept paid order (not cancelled, rejected or refunded), those with at least two, and the share of repeat customers.';
COMMENT ON COLUMN repeat_customers.paying_customers IS 'Customers with at least one kept paid order.';
COMMENT ON COLUMN repeat_customers.repeat_customers IS 'Customers with at least two kept paid orders.';
COMMENT ON COLUMN repeat_customers.repeat_rate IS 'repeat_customers / paying_customers; null when nobody has paid.';

CREATE VIEW prep_times_daily AS
    SELECT (paid_at AT TIME ZONE 'UTC')::date AS day,
           count(*) AS orders,
           round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM ready_at - paid_at)::double precision / 60)::numeric, 1)
               AS p50_ready_minutes,
           round(percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM ready_at - paid_at)::double precision / 60)::numeric, 1)
               AS p90_ready_minutes,
           round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM delivered_at - paid_at)::double precision / 60)::numeric, 1)
               AS p50_delivered_minutes,
           round(percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM delivered_at - paid_at)::double precision / 60)::numeric, 1)
               AS p90_delivered_minutes
      FROM sales_orders
     WHERE paid_at IS NOT NULL
       AND ready_at IS NOT NULL
     GROUP BY 1;
COMMENT ON VIEW prep_times_daily IS 'Kitchen and delivery times per UTC day of payment, over the orders that were prepared (reached ready).';
COMMENT ON COLUMN prep_times_daily.day IS 'UTC day of payment.';
COMMENT ON COLUMN prep_times_daily.orders IS 'Orders paid that day that reached ready.';
COMMENT ON COLUMN prep_times_daily.p50_ready_minutes IS 'Median minutes from payment to ready (interpolated, one decimal).';
COMMENT ON COLUMN prep_times_daily.p90_ready_minutes IS '90th percentile of minutes from payment to ready (interpolated).';
COMMENT ON COLUMN prep_times_daily.p50_delivered_minutes IS 'Median minutes from payment to delivered or picked up, over the orders that were; null if none was yet.';
COMMENT ON COLUMN prep_times_daily.p90_delivered_minutes IS '90th percentile of minutes from payment to delivered or picked up.';

GRANT SELECT ON sales_by_item_day, sales_by_category_day, sales_by_hour, funnel_daily,
    repeat_customers, prep_times_daily
    TO foodbot_analyst;
