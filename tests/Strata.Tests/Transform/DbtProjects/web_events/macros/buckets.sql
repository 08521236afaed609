{#- Puts a duration in milliseconds into a named bucket. The edges are ascending. -#}
{% macro duration_bucket(column, edges=[1000, 10000], names=none) -%}
    {%- set names = names if names is not none else ['short', 'medium', 'long'] -%}
    case
    {%- for edge in edges %}
        when {{ column }} < {{ edge }} then '{{ names[loop.index0] }}'
    {%- endfor %}
        else '{{ names | last }}'
    end
{%- endmacro %}

{% macro safe_divide(numerator, denominator) -%}
    {{ return(adapter.dispatch('safe_divide')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__safe_divide(numerator, denominator) -%}
    case when {{ denominator }} = 0 then null else cast({{ numerator }} as double precision) / {{ denominator }} end
{%- endmacro %}

{% macro duckdb__safe_divide(numerator, denominator) -%}
    cast({{ numerator }} as double) / nullif({{ denominator }}, 0)
{%- endmacro %}
