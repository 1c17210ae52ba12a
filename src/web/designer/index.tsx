/** /designer and /designer/{bpmnProcessId}: the process designer page's entry. */
import { render } from 'preact';
import { Designer } from './Designer';
import './designer.css';

const dataEl = document.getElementById('lt-data');
const data = (dataEl ? JSON.parse(dataEl.textContent || '{}') : {}) as { bpmnProcessId?: string | null };
const main = document.getElementById('lt-main')!;
main.textContent = '';
render(<Designer initialProcessId={data.bpmnProcessId ?? null} />, main);
