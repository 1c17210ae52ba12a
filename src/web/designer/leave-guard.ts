/**
 * Leaving a draft with changes not deployed asks first: in the page (`mayLeave`, before another
 * draft, a version or a comparison replaces it) and on unload (the browser's own question).
 */
import { useEffect, useRef, useState } from 'preact/hooks';

const LEAVE = 'Bản nháp có thay đổi chưa triển khai. Bỏ các thay đổi đó?';

export interface LeaveGuard {
  /** The draft has changes not deployed. */
  dirty: boolean;
  markDirty: (d: boolean) => void;
  /** True when no change would be lost, or the user agrees to lose them. */
  mayLeave: () => boolean;
}

export function useLeaveGuard(): LeaveGuard {
  const dirtyRef = useRef(false);
  const [dirty, setDirty] = useState(false);

  const markDirty = (d: boolean) => {
    dirtyRef.current = d;
    setDirty(d);
  };

  // As long as the page.
  useEffect(() => {
    const beforeUnload = (e: BeforeUnloadEvent) => {
      if (!dirtyRef.current) return;
      e.preventDefault();
      // Browsers before Chrome/Edge 119 ask only when returnValue is set (MDN: "for legacy support").
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      e.returnValue = LEAVE;
    };
    window.addEventListener('beforeunload', beforeUnload);
    return () => window.removeEventListener('beforeunload', beforeUnload);
  }, []);

  return { dirty, markDirty, mayLeave: () => !dirtyRef.current || window.confirm(LEAVE) };
}
