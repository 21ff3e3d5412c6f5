/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import type { SalesDay } from '../../domain/dashboard.js';
import { count, rupees } from '../format.js';

const WIDTH = 600;
const HEIGHT = 160;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2030-06-08` → `8 Jun`. */
function shortDate(date: string): string {
  const [, month, day] = date.split('-').map(Number) as [number, number, number];
  return `${day} ${MONTHS[month - 1] ?? ''}`;
}

/**
 * A round top for the y axis: 1, 2, 5, 10, 20, 50, … at or above `max`.
 *
 * @example
 * niceTop(37); // 50
 */
export function niceTop(max: number): number {
  if (max <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= max) return step * magnitude;
  return 10 * magnitude;
}

/**
 * Tickets sold per day as an inline SVG bar chart: no script, no image request. The bars
 * stretch to the card's width; the axis labels are HTML, so they stay readable on a phone.
 * Screen readers get a title and a one-line summary; each bar has its figures as a tooltip.
 *
 * @example
 * <SalesChart days={summary.sales_by_day} />
 */
export const SalesChart: FC<{ days: SalesDay[] }> = ({ days }) => {
  const top = niceTop(Math.max(0, ...days.map((d) => d.tickets)));
  const slot = WIDTH / Math.max(1, days.length);
  const barW = Math.max(2, slot * 0.7);
  const total = days.reduce((sum, d) => sum + d.tickets, 0);
  const revenue = days.reduce((sum, d) => sum + d.revenue, 0);
  const best = days.reduce<SalesDay | null>((b, d) => (d.tickets > (b?.tickets ?? 0) ? d : b), null);
  const summary =
    total === 0
      ? `No tickets sold in the last ${days.length} days.`
      : `${count(total)} tickets sold in the last ${days.length} days, for ${rupees(revenue)}.${best ? ` Best day: ${shortDate(best.date)}, ${count(best.tickets)} tickets.` : ''}`;
  return (
    <figure class="chart">
      <div class="chart-plot">
        <div class="y-axis" aria-hidden="true">
          <span>{count(top)}</span>
          <span>0</span>
        </div>
        <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" role="img" aria-labelledby="sales-chart-title sales-chart-desc">
          <title id="sales-chart-title">Tickets sold per day</title>
          <desc id="sales-chart-desc">{summary}</desc>
          <line class="grid-line" x1="0" x2={WIDTH} y1="0.5" y2="0.5" vector-effect="non-scaling-stroke" />
          <line class="grid-line" x1="0" x2={WIDTH} y1={HEIGHT / 2} y2={HEIGHT / 2} vector-effect="non-scaling-stroke" />
          <line class="grid-line" x1="0" x2={WIDTH} y1={HEIGHT - 0.5} y2={HEIGHT - 0.5} vector-effect="non-scaling-stroke" />
          {days.map((d, i) => {
            const h = d.tickets === 0 ? 2 : Math.max(2, (d.tickets / top) * HEIGHT);
            return (
              <rect
                class={d.tickets === 0 ? 'bar zero' : 'bar'}
                x={(i * slot + (slot - barW) / 2).toFixed(1)}
                y={(HEIGHT - h).toFixed(1)}
                width={barW.toFixed(1)}
                height={h.toFixed(1)}
              >
                <title>{`${shortDate(d.date)}: ${count(d.tickets)} ticket${d.tickets === 1 ? '' : 's'}, ${rupees(d.revenue)}`}</title>
              </rect>
            );
          })}
        </svg>
        <span />
        <div class="x-axis" aria-hidden="true">
          <span>{days[0] ? shortDate(days[0].date) : ''}</span>
          <span>{days.at(-1) ? shortDate((days.at(-1) as SalesDay).date) : ''}</span>
        </div>
      </div>
      <figcaption class="muted small">{summary}</figcaption>
    </figure>
  );
};
