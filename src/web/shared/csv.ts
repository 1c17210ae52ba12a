/**
 * CSV that Excel opens as Vietnamese text: UTF-8 with a byte-order mark, comma-separated, CRLF,
 * every field quoted. Downloaded from the page itself (a blob: URL), so what is exported is
 * exactly what is shown.
 */
export function toCsv(header: string[], rows: (string | number | null | undefined)[][]): string {
  const field = (v: string | number | null | undefined) => `"${String(v ?? '').replace(/"/g, '""')}"`;
  return '\uFEFF' + [header, ...rows].map((r) => r.map(field).join(',')).join('\r\n') + '\r\n';
}

export function downloadCsv(fileName: string, csv: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
