/**
 * An error answered by the API, in Google's error model: the HTTP status, the
 * stable reason (`ENDPOINT_NOT_FOUND`) and the message, which says what to fix.
 */
export class ApiError extends Error {
  constructor(readonly status: number, readonly reason: string, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

interface GoogleErrorBody {
  error?: { code?: number; message?: string; status?: string; details?: Array<{ reason?: string }> };
}

/** Reads an error response into an ApiError, whatever shape it has. */
export async function toApiError(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as GoogleErrorBody;
    const reason = body.error?.details?.find((d) => d.reason)?.reason ?? body.error?.status ?? `HTTP_${res.status}`;
    return new ApiError(res.status, reason, body.error?.message ?? (text || res.statusText));
  } catch {
    return new ApiError(res.status, `HTTP_${res.status}`, text || res.statusText || `HTTP ${res.status}`);
  }
}
