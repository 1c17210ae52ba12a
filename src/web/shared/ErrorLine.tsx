/** A problem the page must tell, read out at once (`role="alert"`); nothing when there is none. */
export function ErrorLine({ text }: { text: string | null | undefined }) {
  if (!text) return null;
  return (
    <p class="lt-error" role="alert">
      {text}
    </p>
  );
}
