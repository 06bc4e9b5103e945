// Focus stays where it is when a form's button is pressed with the mouse: otherwise the field being
// left validates on blur at mousedown, its error pushes the button down, and the mouseup lands
// elsewhere, so the click is lost ("Next needs two clicks after an error"; a modal's Cancel that
// does not close it on an empty required field). Keyboard use is unchanged. Put it on the buttons'
// container as `onMouseDown`.
import type { MouseEvent } from "react";

export const keepFocus = (event: MouseEvent): void => event.preventDefault();
