{{ config(severity='warn') }}
select s.*
from {{ ref('stg_stock') }} as s
left join {{ ref('locations') }} as l on l.code = s.location_code
where l.code is null
