/** /reports: the on-time reports page's entry. */
import { render } from 'preact';
import { ReportsPage } from './Reports';
import '../audit/audit.css';
import './reports.css';

const dataEl = document.getElementById('lt-data');
const data = (dataEl ? JSON.parse(dataEl.textContent || '{}') : {}) as { role?: string; agencyCode?: string | null; now?: number };
const main = document.getElementById('lt-main')!;
main.textContent = '';
render(<ReportsPage role={data.role ?? ''} agencyCode={data.agencyCode ?? null} now={data.now ?? Date.now()} />, main);
