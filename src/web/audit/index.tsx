/** /audit: the audit log page's entry. */
import { render } from 'preact';
import { AuditPage } from './Audit';
import './audit.css';

const main = document.getElementById('lt-main')!;
main.textContent = '';
render(<AuditPage />, main);
