/** /tra-cuu and /tra-cuu/{code}: the citizen's lookup page (public, no sign-in). */
import { render } from 'preact';
import { LookupPage } from './Lookup';
import './lookup.css';

const dataEl = document.getElementById('lt-data');
const data = (dataEl ? JSON.parse(dataEl.textContent || '{}') : {}) as { code?: string | null };
const main = document.getElementById('lt-main')!;
main.textContent = '';
render(<LookupPage code={data.code ?? null} />, main);
