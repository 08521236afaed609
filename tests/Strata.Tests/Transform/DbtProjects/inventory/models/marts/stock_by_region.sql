select
    l.region,
    p.category,
    sum(s.qty) as units,
    sum(s.qty * p.price) as stock_value
from {{ ref('stg_stock') }} as s
join {{ ref('locations') }} as l on l.code = s.location_code
join {{ ref('stg_products') }} as p on p.sku = s.sku
group by l.region, p.category
