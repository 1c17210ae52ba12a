/** /inbox and /inbox/{taskId}: the agency inbox's entry. */
import { render } from 'preact';
import { InboxPage } from './Inbox';
import { TaskPage } from './TaskPage';
import './inbox.css';

const dataEl = document.getElementById('lt-data');
const data = (dataEl ? JSON.parse(dataEl.textContent || '{}') : {}) as { taskId?: string | null; username?: string };
const main = document.getElementById('lt-main')!;
main.textContent = '';
render(data.taskId ? <TaskPage id={data.taskId} username={data.username ?? ''} /> : <InboxPage username={data.username ?? ''} />, main);
