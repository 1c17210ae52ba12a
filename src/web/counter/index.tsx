/** /counter and /counter/{code}: the one-stop counter's entry. */
import { render } from 'preact';
import { CounterPage } from './Counter';
import './counter.css';

const dataEl = document.getElementById('lt-data');
const data = (dataEl ? JSON.parse(dataEl.textContent || '{}') : {}) as { username?: string; agencyCode?: string | null };
const main = document.getElementById('lt-main')!;
main.textContent = '';
render(<CounterPage me={{ username: data.username ?? '', agencyCode: data.agencyCode ?? null }} />, main);
