/** Every page's shell: the sign-out button (the session cookie is HttpOnly, so the server clears it). */
import { auth, toLogin } from '../shared/api';
import './shell.css';

document.getElementById('lt-signout')?.addEventListener('click', () => {
  auth.logout().then(
    () => toLogin('signedOut'),
    () => toLogin('signedOut'),
  );
});
