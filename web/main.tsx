// The page's entry: the app, rendered into #app.
import { render } from "preact";
import { App } from "./app.js";

render(<App />, document.getElementById("app")!);
