// Links this lab folder to vmlab's student kit (labs/grader/kit.ts). Written by vmlab; do not edit.
export * from "../../../../labs/grader/kit.js";
