/** /trace and /trace/{code}: the trace page's entry. */
import { render } from 'preact';
import { TracePage } from './Trace';
import './trace.css';

const dataEl = document.getElementById('lt-data');
const data = (dataEl ? JSON.parse(dataEl.textContent || '{}') : {}) as { code?: string | null };
const main = document.getElementById('lt-main')!;
main.textContent = '';
render(<TracePage code={data.code ?? null} />, main);
