import { MessageBar, MessageBarBody, MessageBarTitle } from "@fluentui/react-components";
import type { ReactNode } from "react";

/** Something the person must know went wrong, read out at once by screen readers. */
export function Problem({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div role="alert">
      <MessageBar intent="error" layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>{title}</MessageBarTitle> {children}
        </MessageBarBody>
      </MessageBar>
    </div>
  );
}
