import { json } from "@sveltejs/kit";
import type { RequestHandler } from "./$types";

/** The app is up (the stack's readiness check). */
export const GET: RequestHandler = () => json({ ok: true });
