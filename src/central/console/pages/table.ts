// A data table as every console page shows one: captioned (the caption names the table for a
// screen reader, and the scrolling region after it), column headers scoped, and wrapped in a
// focusable region so a wide table scrolls by keyboard on a tablet.
import { html, type Html } from '../../../core/html.js';

export interface DataTable {
  /** the caption's id: the region is labelled by it */
  id: string;
  caption: string;
  /** the column headers' texts */
  columns: readonly string[];
  rows: readonly Html[];
  className?: string | undefined;
}

export function dataTable(d: DataTable): Html {
  return html`<div class="table-wrap" role="region" aria-labelledby="${d.id}" tabindex="0">
<table${d.className ? html` class="${d.className}"` : ''}>
<caption id="${d.id}">${d.caption}</caption>
<thead><tr>${d.columns.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
<tbody>
${d.rows}
</tbody>
</table>
</div>`;
}
