// Why: a field validates when it loses focus. A mouse press on a button below moves focus on
// mousedown, so the field's error appeared then and pushed the button down before mouseup; the
// click then missed it (Test Connectivity "needed two clicks"). While a pointer is pressed, blur
// work waits until the press has produced its click. Keyboard focus changes (Tab) are not presses,
// so their validation stays immediate.
import { useCallback, useEffect, useRef } from "react";

export function useAfterPress(): (work: () => void) => void {
  const pressed = useRef(false);
  const waiting = useRef<(() => void)[]>([]);

  useEffect(() => {
    const flush = () => {
      for (const work of waiting.current.splice(0)) work();
    };
    const down = () => {
      pressed.current = true;
    };
    const up = () => {
      if (!pressed.current) return;
      pressed.current = false;
      // The click follows pointerup in the same task; run after it.
      setTimeout(flush, 0);
    };
    // A release the page never saw (outside the window) must not hold blur work back: the next key
    // press or window blur ends the press too.
    const events = [
      ["pointerdown", down],
      ["pointerup", up],
      ["pointercancel", up],
      ["keydown", up],
    ] as const;
    for (const [type, listener] of events) document.addEventListener(type, listener, true);
    window.addEventListener("blur", up);
    return () => {
      for (const [type, listener] of events) document.removeEventListener(type, listener, true);
      window.removeEventListener("blur", up);
      flush();
    };
  }, []);

  return useCallback((work: () => void) => {
    if (pressed.current) waiting.current.push(work);
    else work();
  }, []);
}
