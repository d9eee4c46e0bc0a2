import { createRoot } from "react-dom/client";
import { StartUp } from "./start-up";

createRoot(document.getElementById("root")!).render(<StartUp />);
