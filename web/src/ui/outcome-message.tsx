import { MessageBar, MessageBarBody } from "@fluentui/react-components";
import { forwardRef } from "react";

export interface Outcome {
  ok: boolean;
  text: string;
}

/**
 * What the last action did, in a status region that screen readers announce. It takes focus after an action
 * whose button has gone (a resolved alert, a decided request), so keyboard users are not left nowhere.
 */
export const OutcomeMessage = forwardRef<HTMLDivElement, { outcome?: Outcome }>(function OutcomeMessage({ outcome }, ref) {
  return (
    <div role="status" tabIndex={-1} ref={ref}>
      {outcome && (
        <MessageBar intent={outcome.ok ? "success" : "error"} layout="multiline">
          <MessageBarBody>{outcome.text}</MessageBarBody>
        </MessageBar>
      )}
    </div>
  );
});
