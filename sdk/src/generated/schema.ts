// generated, do not edit: `npm run openapi` writes it from openapi/openapi.json
// (openapi-typescript, default options). The hand-written API is in ../index.ts.

export interface paths {
    "/api/v1/auth/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Register an account
         * @description Creates an account and signs it in. E-mails are compared case-insensitively; addresses listed
         *     in `ADMIN_EMAILS` register as admins.
         */
        post: operations["register"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in
         * @description Exchanges e-mail and password for a session: an access token and a refresh token.
         */
        post: operations["login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Refresh a session
         * @description Exchanges a refresh token for a new access token and a new refresh token, in the same session.
         *     Each refresh token works once: one presented again (a copy someone else kept) ends the whole
         *     session, for everyone holding its tokens, unless it comes within REFRESH_REUSE_GRACE_SECONDS
         *     (10 s by default) of its first use: then it gets another new pair in the same session (two tabs
         *     or processes sharing the session refreshed at once). Unknown, expired and revoked tokens get 401.
         */
        post: operations["refreshSession"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign out
         * @description Ends this session: its refresh token and its access tokens stop working at once.
         *
         *     Needs a signed-in session: API keys get 403 here.
         */
        post: operations["logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/logout-all": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign out everywhere
         * @description Ends every session of the account, on every device; API keys stay.
         *
         *     Needs a signed-in session: API keys get 403 here.
         */
        post: operations["logoutEverywhere"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Change my password
         * @description Changes the password. Every session of the account ends, this one too, and every access token
         *     issued before stops working; the answer is a new session for the caller. Throttled per client
         *     IP and per account, so that a stolen access token is no way to guess the password.
         *
         *     Needs a signed-in session: API keys get 403 here.
         */
        post: operations["changePassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The signed-in account
         * @description The account the credentials belong to, with its daily image quota.
         *
         *     An API key needs the `images:read` scope.
         */
        get: operations["getMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List my API keys
         * @description My API keys that are not revoked, newest first; never the keys themselves.
         *
         *     Needs a signed-in session: API keys get 403 here.
         */
        get: operations["listApiKeys"];
        put?: never;
        /**
         * Create an API key
         * @description Makes an API key for a REST client: send it as `Authorization: Bearer ifk_…`. It may do what
         *     its scopes allow, as you; the key is in this answer only. At most 20 keys at once.
         *
         *     Needs a signed-in session: API keys get 403 here.
         */
        post: operations["createApiKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/api-keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke an API key
         * @description Revokes one of my API keys: its next request gets 401.
         *
         *     Needs a signed-in session: API keys get 403 here.
         */
        delete: operations["revokeApiKey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List accounts
         * @description Every account, newest first; `email` finds accounts by part of their address.
         *
         *     Admins only; an API key needs the `admin` scope.
         */
        get: operations["adminListUsers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Update an account
         * @description Disables or enables an account, or changes its role. A disabled account's sessions end, and its
         *     tokens and API keys get 401 from their next request on. Admins cannot disable or demote
         *     themselves (409).
         *
         *     Admins only; an API key needs the `admin` scope.
         */
        patch: operations["adminUpdateUser"];
        trace?: never;
    };
    "/api/v1/admin/images": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List every image
         * @description Everyone's images, private ones too, newest first, with the filters of my history.
         *
         *     Admins only; an API key needs the `admin` scope.
         */
        get: operations["adminListImages"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/generations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List every generation
         * @description Everyone's generations, newest first, optionally only one state or one account's.
         *
         *     Admins only; an API key needs the `admin` scope.
         */
        get: operations["adminListGenerations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/log-level": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read a replica's log level
         * @description The level the replica that answers logs at, and the one it started at (`LOG_LEVEL`).
         *
         *     Admins only; an API key needs the `admin` scope.
         */
        get: operations["adminGetLogLevel"];
        /**
         * Change a replica's log level
         * @description Changes the level the replica that answers logs at, at once and until it restarts (then
         *     `LOG_LEVEL` holds again): `debug` while looking into a problem, say, and back. The change is
         *     logged at `warn`, with who made it. Each replica has its own level: the answer names the one
         *     that changed.
         *
         *     Admins only; an API key needs the `admin` scope.
         */
        put: operations["adminSetLogLevel"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/prompts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Make a prompt
         * @description Makes a prompt without drawing it: try strategies, themes and seeds before generating.
         *
         *     An API key needs the `generations:write` scope.
         */
        post: operations["createPrompt"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/prompts/datasets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List prompt datasets
         * @description The curated word datasets the `random` strategy picks from.
         */
        get: operations["listPromptDatasets"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/providers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List image providers
         * @description Every image provider: whether it is configured, its models, sizes and limits.
         */
        get: operations["listProviders"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/generations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List my generations
         * @description My generations, newest first, optionally only those in one state.
         *
         *     An API key needs the `images:read` scope.
         */
        get: operations["listGenerations"];
        put?: never;
        /**
         * Start a generation
         * @description Queues a generation and answers at once with the job (202). An empty body draws a random
         *     prompt with the default provider. Follow the job with `GET /generations/{id}/events` or by
         *     polling `GET /generations/{id}`.
         *
         *     An API key needs the `generations:write` scope.
         */
        post: operations["createGeneration"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/generations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a generation
         * @description One of my generations: its state, prompt lineage, attempts, error and images.
         *
         *     An API key needs the `images:read` scope.
         */
        get: operations["getGeneration"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/generations/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Follow a generation (SSE)
         * @description Server-sent events: the job as it is now, then each change, until it succeeds, fails or is
         *     canceled. Each event's `data` is a `Generation` as JSON.
         *
         *     An API key needs the `images:read` scope.
         */
        get: operations["streamGenerationEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/generations/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a generation
         * @description Cancels a queued or running generation; images it had made are removed.
         *
         *     An API key needs the `generations:write` scope.
         */
        post: operations["cancelGeneration"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/images": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Browse the public gallery
         * @description Everyone's public images, newest first, with search and filters. No token needed. Pages are
         *     served from memory for up to `GALLERY_CACHE_TTL_MS` (1 s): a change shows within that on every
         *     replica. Shared caches may keep a page as long (`s-maxage`); send its `ETag` in
         *     `If-None-Match` to get a 304 while it has not changed.
         */
        get: operations["listPublicImages"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/images": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Browse my history
         * @description My images, private ones too, newest first, with the same search, filters and ETags.
         *
         *     An API key needs the `images:read` scope.
         */
        get: operations["listMyImages"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/images/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get an image
         * @description A public image, or one of mine (send a token to see your private images).
         *
         *     An API key needs the `images:read` scope.
         */
        get: operations["getImage"];
        put?: never;
        post?: never;
        /**
         * Delete an image
         * @description Deletes one of my images: the record, the image and the thumbnail (and its id from its job).
         *
         *     An API key needs the `images:write` scope.
         */
        delete: operations["deleteImage"];
        options?: never;
        head?: never;
        /**
         * Update an image
         * @description Changes visibility or replaces the tags of one of my images; fields left out keep their values.
         *
         *     An API key needs the `images:write` scope.
         */
        patch: operations["updateImage"];
        trace?: never;
    };
    "/api/v1/images/{id}/content": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download an image
         * @description The PNG, with its generation parameters in text chunks (`parameters`, `image-forge`). Answers
         *     304 to a matching `If-None-Match` and 206 to a `Range`. A private image needs its owner's token,
         *     or the signed `contentUrl` the API gave its owner (`expires` + `signature`; a bad or expired
         *     signature is a 403).
         *
         *     An API key needs the `images:read` scope.
         */
        get: operations["getImageContent"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/images/{id}/thumbnail": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download a thumbnail
         * @description A WebP fitted inside 256×256, with the same access rules and caching as the image.
         *
         *     An API key needs the `images:read` scope.
         */
        get: operations["getImageThumbnail"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/schedules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List schedules
         * @description My schedules, newest first (an admin sees everyone's).
         *
         *     An API key needs the `images:read` scope.
         */
        get: operations["listSchedules"];
        put?: never;
        /**
         * Create a schedule
         * @description Generates automatically on a cron schedule in a time zone. Each fire time runs exactly once,
         *     however many replicas run; the response lists the next five fire times.
         *
         *     An API key needs the `schedules:write` scope.
         */
        post: operations["createSchedule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/schedules/fire-times": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Preview fire times
         * @description The next fire times of a cron expression in a time zone, checked as a save would check it
         *     (valid expression and zone, minimum interval): try an expression before saving it.
         *
         *     An API key needs the `images:read` scope.
         */
        get: operations["previewScheduleFireTimes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/schedules/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a schedule
         * @description One schedule, with its next five fire times (none while paused).
         *
         *     An API key needs the `images:read` scope.
         */
        get: operations["getSchedule"];
        put?: never;
        post?: never;
        /**
         * Delete a schedule
         * @description Deletes the schedule; its past runs and images stay (`GET /schedules/{id}/runs` still lists them).
         *
         *     An API key needs the `schedules:write` scope.
         */
        delete: operations["deleteSchedule"];
        options?: never;
        head?: never;
        /**
         * Update a schedule
         * @description Changes the fields sent and only those; `enabled: false` pauses, `enabled: true` resumes (and
         *     clears a pause after failures).
         *
         *     An API key needs the `schedules:write` scope.
         */
        patch: operations["updateSchedule"];
        trace?: never;
    };
    "/api/v1/schedules/{id}/run": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Run a schedule now
         * @description Runs it now, outside its fire times (202 + the queued generation).
         *
         *     An API key needs the `schedules:write` scope.
         */
        post: operations["runSchedule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/schedules/{id}/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List a schedule's runs
         * @description The schedule's runs, newest first: slot, job, status and images.
         *
         *     An API key needs the `images:read` scope.
         */
        get: operations["listScheduleRuns"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness
         * @description The process is up and serving HTTP; checks no dependency.
         */
        get: operations["getLiveness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness
         * @description The service can do its work: the record store and blob store answer and their disks have
         *     room, it is not shutting down, and no job run is stuck past its deadline.
         */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        ProblemFieldDto: {
            /** @description Where the fault is: a body property (`size`, `tags[0]`), a query parameter or a header. */
            field: string;
            /** @description What is wrong with it. */
            message: string;
        };
        ProblemDto: {
            /** @description The HTTP status code. */
            status: number;
            /** @description A URI naming the kind of problem, e.g. `urn:image-forge:problem:validation-failed`. */
            type: string;
            /** @description Short summary of the kind of problem. */
            title: string;
            /** @description What went wrong this time, for a person. */
            detail: string;
            /** @description The request path the problem happened on. */
            instance: string;
            /** @description Machine-readable kind of problem (the last part of `type`). */
            code: string;
            /** @description The request id (also in the `X-Request-Id` response header), for finding the logs. */
            requestId: string;
            /** @description Fields at fault, for validation problems. */
            errors?: components["schemas"]["ProblemFieldDto"][];
        };
        CredentialsDto: {
            /**
             * Format: email
             * @description E-mail address; compared case-insensitively.
             */
            email: string;
            /** @description At least 8 characters. */
            password: string;
        };
        /**
         * @description Admins see and manage every image, generation, schedule and account.
         * @enum {string}
         */
        Role: "user" | "admin";
        UserDto: {
            /** @description Admins see and manage every image, generation, schedule and account. */
            role: components["schemas"]["Role"];
            /**
             * Format: date-time
             * @description ISO-8601 UTC.
             */
            createdAt: string;
            id: string;
            email: string;
            /** @description A disabled account cannot sign in, and its tokens and API keys are refused. */
            disabled: boolean;
        };
        SessionDto: {
            /** @enum {string} */
            tokenType: "Bearer";
            /** @description Seconds until the access token expires. */
            expiresIn: number;
            /** @description Seconds until the refresh token expires. */
            refreshExpiresIn: number;
            /** @description Send as `Authorization: Bearer <accessToken>`. */
            accessToken: string;
            /**
             * @description Exchange it at `POST /auth/refresh` for a new pair before `refreshExpiresIn` runs out. Each
             *     refresh token works once: presenting one again ends the session.
             */
            refreshToken: string;
            user: components["schemas"]["UserDto"];
        };
        RefreshDto: {
            /** @description The `refreshToken` of the last sign-in or refresh. */
            refreshToken: string;
        };
        ChangePasswordDto: {
            /** @description The password now. */
            currentPassword: string;
            /** @description At least 8 characters. */
            newPassword: string;
        };
        QuotaDto: {
            /** @description Images per UTC day; null: no limit (admins, or DAILY_IMAGE_QUOTA=0). */
            limit: number | null;
            /** @description Images generated (or queued) today. */
            used: number;
            /** @description Images still allowed today; null: no limit. */
            remaining: number | null;
            /**
             * Format: date-time
             * @description When the count starts again: the next midnight UTC.
             */
            resetsAt: string;
        };
        MeDto: {
            /** @description Admins see and manage every image, generation, schedule and account. */
            role: components["schemas"]["Role"];
            /**
             * Format: date-time
             * @description ISO-8601 UTC.
             */
            createdAt: string;
            id: string;
            email: string;
            /** @description A disabled account cannot sign in, and its tokens and API keys are refused. */
            disabled: boolean;
            quota: components["schemas"]["QuotaDto"];
        };
        /**
         * @description What the key may do: `images:read` (read my images, generations, schedules, account),
         *     `images:write` (change and delete my images), `generations:write` (generate), `schedules:write`
         *     (manage schedules), `admin` (admin routes; admins only).
         * @enum {string}
         */
        ApiScope: "images:read" | "images:write" | "generations:write" | "schedules:write" | "admin";
        CreateApiKeyDto: {
            /**
             * @description What the key may do: `images:read` (read my images, generations, schedules, account),
             *     `images:write` (change and delete my images), `generations:write` (generate), `schedules:write`
             *     (manage schedules), `admin` (admin routes; admins only).
             */
            scopes: components["schemas"]["ApiScope"][];
            /** @description What the key is for, for people: `nightly backup`, `CI`. */
            name: string;
        };
        CreatedApiKeyDto: {
            scopes: components["schemas"]["ApiScope"][];
            /** Format: date-time */
            createdAt: string;
            id: string;
            name: string;
            /**
             * @description The key, shown this once: send it as `Authorization: Bearer <key>`. Only a hash of it is
             *     stored; a lost key cannot be shown again (revoke it and make another).
             */
            key: string;
        };
        ApiKeyDto: {
            scopes: components["schemas"]["ApiScope"][];
            /** Format: date-time */
            createdAt: string;
            /**
             * Format: date-time
             * @description Last request made with the key, to the minute; null if never used.
             */
            lastUsedAt: string | null;
            id: string;
            name: string;
            /** @description The start of the key (`ifk_<id>`), to tell keys apart; the secret part is never shown again. */
            prefix: string;
        };
        ApiKeyListDto: {
            /** @description My keys that are not revoked, newest first. */
            items: components["schemas"]["ApiKeyDto"][];
        };
        AdminUserListDto: {
            /** @description Pass as `cursor` for the next page; null on the last page. */
            nextCursor?: string | null;
            items: components["schemas"]["UserDto"][];
        };
        UpdateUserDto: {
            /** @description `admin` manages every account, image, generation and schedule. */
            role?: components["schemas"]["Role"];
            /** @description `true` stops the account at once: its sessions end, its tokens and API keys get 401. */
            disabled?: boolean;
        };
        /** @enum {string} */
        Visibility: "public" | "private";
        /**
         * @description Strategy that made the prompt.
         * @enum {string}
         */
        PromptStrategy: "random" | "literal" | "llm";
        PromptLineageDto: {
            /** @description Strategy that made the prompt. */
            strategy: components["schemas"]["PromptStrategy"];
            theme: string | null;
            /** @description The prompt the strategy made; null until the job has run that far. */
            prompt: string | null;
            /** @description The provider's rewrite of the prompt, where it rewrites prompts. */
            revisedPrompt: string | null;
        };
        ImageDto: {
            /** @description `public` images are in the gallery; `private` ones only their owner sees. */
            visibility: components["schemas"]["Visibility"];
            negativePrompt: string | null;
            /** @description Pixels. */
            width: number;
            /** @description Pixels. */
            height: number;
            /** @description The seed it was drawn with, where the provider takes seeds. */
            seed: number | null;
            /** @description Size of the content in bytes. */
            byteSize: number;
            scheduleId: string | null;
            /** Format: date-time */
            createdAt: string;
            id: string;
            /** @description The prompt the provider drew. */
            prompt: string;
            /** @description theme → strategy's prompt → provider's revised prompt. */
            lineage: components["schemas"]["PromptLineageDto"];
            provider: string;
            model: string;
            /** @description Media type of the content, `image/png`. */
            contentType: string;
            /** @description Hex SHA-256 of the content; also its ETag. */
            sha256: string;
            tags: string[];
            /** @description The generation that made it. */
            jobId: string;
            /**
             * @description Where to fetch the image (PNG). For a private image (shown only to its owner) the URL is signed
             *     and works without a token, for an hour or more: usable as an `<img src>`.
             */
            contentUrl: string;
            /** @description Where to fetch the 256 px WebP thumbnail; signed like `contentUrl`. */
            thumbnailUrl: string;
        };
        ImageListDto: {
            /** @description Pass as `cursor` for the next page; null on the last page. */
            nextCursor: string | null;
            items: components["schemas"]["ImageDto"][];
        };
        /** @enum {string} */
        JobStatus: "queued" | "running" | "succeeded" | "failed" | "canceled";
        GenerationRequestDto: {
            /** @description How the prompt is made. */
            strategy: components["schemas"]["PromptStrategy"];
            theme: string | null;
            prompt: string | null;
            negativePrompt: string | null;
            /** @description Number of images. */
            n: number;
            /** @description Seed of the first image (image i uses seed + i). */
            seed: number;
            /** @description The visibility its images get. */
            visibility: components["schemas"]["Visibility"];
            quality: string | null;
            style: string | null;
            provider: string;
            model: string;
            /** @description `WIDTHxHEIGHT`. */
            size: string;
            tags: string[];
        };
        /**
         * @description Machine-readable: `rate_limited`, `timeout`, `provider_error` (retried); `provider_auth`,
         *     `provider_billing`, `provider_rejected`, `content_policy` (the provider refused, never retried);
         *     `prediction_failed`, `prediction_canceled` (Replicate); `download_*` (fetching the provider's
         *     output); `invalid_image`, `invalid_request`, `storage_error`, `internal_error`; `crashed` (the
         *     process running it died on every attempt: never retried further).
         * @enum {string}
         */
        JobErrorCode: "rate_limited" | "timeout" | "provider_error" | "provider_auth" | "provider_billing" | "provider_rejected" | "content_policy" | "prediction_failed" | "prediction_canceled" | "download_refused" | "download_failed" | "download_timeout" | "download_too_large" | "invalid_image" | "invalid_request" | "storage_error" | "internal_error" | "crashed";
        JobErrorDto: {
            /**
             * @description Machine-readable: `rate_limited`, `timeout`, `provider_error` (retried); `provider_auth`,
             *     `provider_billing`, `provider_rejected`, `content_policy` (the provider refused, never retried);
             *     `prediction_failed`, `prediction_canceled` (Replicate); `download_*` (fetching the provider's
             *     output); `invalid_image`, `invalid_request`, `storage_error`, `internal_error`; `crashed` (the
             *     process running it died on every attempt: never retried further).
             */
            code: components["schemas"]["JobErrorCode"];
            /** @description What went wrong, for a person. */
            message: string;
            /** @description Whether the failure was transient (it was retried until attempts ran out). */
            retryable: boolean;
        };
        GenerationDto: {
            /** @description `queued` → `running` → `succeeded`, `failed` or `canceled`. */
            status: components["schemas"]["JobStatus"];
            /** @description Attempts started so far. */
            attempts: number;
            scheduleId: string | null;
            /** @description The provider's id for the work, e.g. a Replicate prediction id. */
            providerRef: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            /** Format: date-time */
            startedAt: string | null;
            /** Format: date-time */
            finishedAt: string | null;
            id: string;
            request: components["schemas"]["GenerationRequestDto"];
            lineage: components["schemas"]["PromptLineageDto"];
            /** @description Why the job failed, or why its last attempt failed (present only then). */
            error?: components["schemas"]["JobErrorDto"];
            /** @description Images made, once the job has succeeded. */
            imageIds: string[];
        };
        GenerationListDto: {
            /** @description Pass as `cursor` for the next page; null on the last page. */
            nextCursor: string | null;
            items: components["schemas"]["GenerationDto"][];
        };
        /**
         * @description From the fewest lines (`fatal`) to the most (`trace`); `silent` logs nothing.
         * @enum {string}
         */
        LogLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
        LogLevelDto: {
            /** @description What this replica logs at now. */
            level: components["schemas"]["LogLevel"];
            /** @description `LOG_LEVEL`: what this replica started at, and starts at again when it restarts. */
            configured: components["schemas"]["LogLevel"];
            /**
             * @description The replica that answered (its host and pid): each replica has its own level, and a change
             *     reaches only the replica that answers it.
             */
            instance: string;
        };
        SetLogLevelDto: {
            /**
             * @description `info` (the default) logs one line per request; `warn` leaves those out; `debug` and `trace`
             *     add detail; `silent` logs nothing.
             */
            level: components["schemas"]["LogLevel"];
        };
        CreatePromptDto: {
            /** @description How to make the prompt; defaults to `literal` when `prompt` is given, else the configured default. */
            strategy?: components["schemas"]["PromptStrategy"];
            /** @description Same seed, same prompt; random when omitted. */
            seed?: number;
            /** @description What the prompt should be about (`random`: replaces the subject). */
            theme?: string;
            /** @description Your own prompt text (`literal` strategy). */
            prompt?: string;
        };
        PromptDto: {
            /** @description The strategy that made it. */
            strategy: components["schemas"]["PromptStrategy"];
            theme: string | null;
            /** @description The seed it was made with: the same seed gives the same prompt. */
            seed: number;
            /** @description The dataset picks the prompt was made of (`random`), by dataset name. */
            parts: {
                [key: string]: string;
            } | null;
            prompt: string;
        };
        PromptDatasetDto: {
            name: string;
            description: string;
            entries: string[];
        };
        PromptDatasetsDto: {
            /** @description How one pick of each dataset is joined into a prompt. */
            template: string;
            datasets: components["schemas"]["PromptDatasetDto"][];
        };
        ProviderModelDto: {
            /** @description Most images one generation may ask for. */
            maxN: number;
            id: string;
            description: string;
            /** @description Accepted sizes, `WIDTHxHEIGHT`. */
            sizes: string[];
            defaultSize: string;
            supportsSeed: boolean;
            supportsNegativePrompt: boolean;
            /** @description Accepted `quality` values; empty when the model takes none. */
            qualities: string[];
            /** @description Accepted `style` values; empty when the model takes none. */
            styles: string[];
        };
        ProviderLimitsDto: {
            /** @description Calls one replica makes at once. */
            concurrency: number;
            /** @description Images one replica asks for per minute; a burst queues instead of failing. */
            imagesPerMinute: number;
        };
        ProviderDto: {
            /** @description The name to pass as `provider` in a generation. */
            name: string;
            description: string;
            /** @description Whether it is used when a generation names no provider. */
            isDefault: boolean;
            /** @description Whether it can be used now. */
            configured: boolean;
            /** @description Environment variables to set to make it usable. */
            missing: string[];
            defaultModel: string;
            models: components["schemas"]["ProviderModelDto"][];
            /** @description Local rate limits (per replica), for providers that have them. */
            limits?: components["schemas"]["ProviderLimitsDto"];
        };
        ProviderListDto: {
            items: components["schemas"]["ProviderDto"][];
        };
        CreateGenerationDto: {
            /** @description How to make the prompt; `literal` when `prompt` is given, else the configured default. */
            strategy?: components["schemas"]["PromptStrategy"];
            /** @description Number of images, up to the model's limit (`maxN` in `GET /providers`); 1 when omitted. */
            n?: number;
            /** @description Seed of the first image (image i uses seed + i); random when omitted. */
            seed?: number;
            /** @description `public` (in the gallery) when omitted, or `private` (yours only). */
            visibility?: components["schemas"]["Visibility"];
            /** @description What the prompt should be about (`random`: replaces the subject). */
            theme?: string;
            /** @description Your own prompt (implies the `literal` strategy). */
            prompt?: string;
            /** @description What the image should not show, where the model supports it. */
            negativePrompt?: string;
            /** @description Provider name (see `GET /providers`); the configured default when omitted. */
            provider?: string;
            /** @description Model id of the provider; its default when omitted. */
            model?: string;
            /** @description `WIDTHxHEIGHT`, one of the model's sizes; its default when omitted. */
            size?: string;
            /** @description Rendering quality, where the model declares qualities (see `GET /providers`). */
            quality?: string;
            /** @description Rendering style, where the model declares styles (see `GET /providers`). */
            style?: string;
            /** @description Tags for the images: letters, digits, space, `_` and `-`, up to 40 characters each. */
            tags?: string[];
        };
        UpdateImageDto: {
            /** @description `private` hides the image from the gallery and from everyone but you. */
            visibility?: components["schemas"]["Visibility"];
            /** @description Replaces the image's tags. */
            tags?: string[];
        };
        CreateScheduleDto: {
            /** @description How to make the prompt; `literal` when `prompt` is given, else the configured default. */
            strategy?: components["schemas"]["PromptStrategy"];
            /** @description Number of images, up to the model's limit (`maxN` in `GET /providers`); 1 when omitted. */
            n?: number;
            /** @description `public` (in the gallery) when omitted, or `private` (yours only). */
            visibility?: components["schemas"]["Visibility"];
            /** @description What the prompt should be about (`random`: replaces the subject). */
            theme?: string;
            /** @description Your own prompt (implies the `literal` strategy). */
            prompt?: string;
            /** @description What the image should not show, where the model supports it. */
            negativePrompt?: string;
            /** @description Provider name (see `GET /providers`); the configured default when omitted. */
            provider?: string;
            /** @description Model id of the provider; its default when omitted. */
            model?: string;
            /** @description `WIDTHxHEIGHT`, one of the model's sizes; its default when omitted. */
            size?: string;
            /** @description Rendering quality, where the model declares qualities (see `GET /providers`). */
            quality?: string;
            /** @description Rendering style, where the model declares styles (see `GET /providers`). */
            style?: string;
            /** @description Tags for the images: letters, digits, space, `_` and `-`, up to 40 characters each. */
            tags?: string[];
            /** @description A name for people. */
            name: string;
            /**
             * @description Cron expression: 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds
             *     first. E.g. `0 9 * * 1-5` = 09:00 on weekdays.
             */
            cron: string;
            timezone?: string;
            /** @description Whether it fires; `true` when omitted. Create it paused with `false`. */
            enabled?: boolean;
        };
        ScheduleTemplateDto: {
            /** @description How the prompt is made. */
            strategy: components["schemas"]["PromptStrategy"];
            theme: string | null;
            prompt: string | null;
            negativePrompt: string | null;
            /** @description Number of images. */
            n: number;
            /** @description The visibility its images get. */
            visibility: components["schemas"]["Visibility"];
            quality: string | null;
            style: string | null;
            provider: string;
            model: string;
            /** @description `WIDTHxHEIGHT`. */
            size: string;
            tags: string[];
        };
        ScheduleDto: {
            /** @description Why the schedule paused itself (after repeated failures), if it did. */
            pausedReason: string | null;
            /** @description Failed runs in a row. */
            consecutiveFailures: number;
            /**
             * Format: date-time
             * @description Slot (fire time) of the latest run.
             */
            lastRunAt: string | null;
            /** Format: date-time */
            nextRunAt: string | null;
            /** @description The next five fire times (empty while paused). */
            nextFireTimes: string[];
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            id: string;
            name: string;
            cron: string;
            timezone: string;
            /** @description Whether it fires. */
            enabled: boolean;
            /** @description What each run generates. */
            template: components["schemas"]["ScheduleTemplateDto"];
            /** @description The built-in schedule of AUTO_GENERATE_CRON. */
            system: boolean;
        };
        ScheduleListDto: {
            nextCursor: string | null;
            items: components["schemas"]["ScheduleDto"][];
        };
        FireTimesDto: {
            /** @description The next five fire times (fewer for an expression that fires rarely), UTC. */
            fireTimes: string[];
            cron: string;
            timezone: string;
        };
        UpdateScheduleDto: {
            /** @description How to make the prompt; `literal` when `prompt` is given, else the configured default. */
            strategy?: components["schemas"]["PromptStrategy"];
            /** @description Number of images, up to the model's limit (`maxN` in `GET /providers`); 1 when omitted. */
            n?: number;
            /** @description `public` (in the gallery) when omitted, or `private` (yours only). */
            visibility?: components["schemas"]["Visibility"];
            /** @description What the prompt should be about (`random`: replaces the subject). */
            theme?: string;
            /** @description Your own prompt (implies the `literal` strategy). */
            prompt?: string;
            /** @description What the image should not show, where the model supports it. */
            negativePrompt?: string;
            /** @description Provider name (see `GET /providers`); the configured default when omitted. */
            provider?: string;
            /** @description Model id of the provider; its default when omitted. */
            model?: string;
            /** @description `WIDTHxHEIGHT`, one of the model's sizes; its default when omitted. */
            size?: string;
            /** @description Rendering quality, where the model declares qualities (see `GET /providers`). */
            quality?: string;
            /** @description Rendering style, where the model declares styles (see `GET /providers`). */
            style?: string;
            /** @description Tags for the images: letters, digits, space, `_` and `-`, up to 40 characters each. */
            tags?: string[];
            /** @description A name for people. */
            name?: string;
            /**
             * @description Cron expression: 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds
             *     first. E.g. `0 9 * * 1-5` = 09:00 on weekdays.
             */
            cron?: string;
            timezone?: string;
            /** @description Whether it fires; `true` when omitted. Create it paused with `false`. */
            enabled?: boolean;
        };
        ScheduleRunDto: {
            /**
             * Format: date-time
             * @description The fire time this run belongs to (or the moment of a manual run).
             */
            slot: string;
            /** @description The state of the run's generation. */
            status: components["schemas"]["JobStatus"];
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            finishedAt: string | null;
            /** @description The generation job of the run. */
            jobId: string;
            imageIds: string[];
            /** @description Why the run failed, when it did. */
            error?: components["schemas"]["JobErrorDto"];
        };
        ScheduleRunListDto: {
            nextCursor: string | null;
            items: components["schemas"]["ScheduleRunDto"][];
        };
        HealthIndicatorDto: {
            /** @enum {string} */
            status: "up" | "down";
            /** @description How long the check took, in ms. */
            responseTime?: number;
        };
        HealthDto: {
            /** @enum {string} */
            status: "ok";
            /** @description Indicators that are up. */
            info: {
                [key: string]: components["schemas"]["HealthIndicatorDto"];
            };
            /** @description Indicators that are down (empty when the status is ok). */
            error: {
                [key: string]: components["schemas"]["HealthIndicatorDto"];
            };
            /** @description Every indicator. */
            details: {
                [key: string]: components["schemas"]["HealthIndicatorDto"];
            };
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: {
        /** @description The request id: yours when you sent a sane one, else generated. Also in the logs. */
        "X-Request-Id": string;
        /** @description Seconds to wait before trying again. */
        "Retry-After": number;
        /** @description The URL of the resource the response is about. */
        Location: string;
        /** @description Present (`true`) when the response replays the job of an earlier request with the same `Idempotency-Key`. */
        "Idempotent-Replayed": "true";
        /** @description Strong entity tag of the body (an image: its hash; a page: a hash of its items and cursor, so equal pages carry equal tags); send it back in `If-None-Match`. */
        ETag: string;
        /** @description Image bytes: `public, no-cache` or `private, no-cache`: caches may keep the bytes but revalidate them (a cheap 304) before each reuse, so making an image private or deleting it takes effect at once. The public gallery: `public, max-age=0, s-maxage=1` (shared caches may keep a page as long as the server does); your own pages: `private, no-cache`. */
        "Cache-Control": string;
        /** @description Byte ranges are supported. */
        "Accept-Ranges": "bytes";
        /** @description Size of the body in bytes. */
        "Content-Length": number;
        /** @description The range sent (`bytes start-end/size`), or on a 416 the size (`bytes *\/size`). */
        "Content-Range": string;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    register: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CredentialsDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionDto"];
                };
            };
            /** @description Invalid request: `errors` names each field at fault */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Conflicts with the current state */
            409: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Unsupported content type */
            415: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Too many requests, generations in flight, or images today (the daily quota); `Retry-After` says when to try again */
            429: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Retry-After": components["headers"]["Retry-After"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description A dependency is unavailable; `Retry-After` says when to try again */
            503: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Retry-After": components["headers"]["Retry-After"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    login: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CredentialsDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionDto"];
                };
            };
            /** @description Invalid request: `errors` names each field at fault */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid or expired access token */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Unsupported content type */
            415: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Too many requests, generations in flight, or images today (the daily quota); `Retry-After` says when to try again */
            429: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Retry-After": components["headers"]["Retry-After"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description A dependency is unavailable; `Retry-After` says when to try again */
            503: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Retry-After": components["headers"]["Retry-After"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    refreshSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RefreshDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionDto"];
                };
            };
            /** @description Invalid request: `errors` names each field at fault */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid or expired access token */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Unsupported content type */
            415: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Too many requests, generations in flight, or images today (the daily quota); `Retry-After` says when to try again */
            429: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Retry-After": components["headers"]["Retry-After"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description A dependency is unavailable; `Retry-After` says when to try again */
            503: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Retry-After": components["headers"]["Retry-After"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    logout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Signed out; no body */
            204: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Missing, invalid or expired access token */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description A dependency is unavailable; `Retry-After` says when to try again */
            503: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Retry-After": components["headers"]["Retry-After"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    logoutEverywhere: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every session ended; no body */
            204: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Missing, invalid or expired access token */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description A dependency is unavailable; `Retry-After` says when to try again */
            503: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Retry-After": components["headers"]["Retry-After"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    changePassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChangePasswordDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionDto"];
                };
            };
            /** @description Invalid request: `errors` names each field at fault */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid or expired access token */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Unsupported content type */
            415: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Too many requests, generations in flight, or images today (the daily quota); `Retry-After` says when to try again */
            429: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Retry-After": components["headers"]["Retry-After"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description A dependency is unavailable; `Retry-After` says when to try again */
            503: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Retry-After": components["headers"]["Retry-After"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    getMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MeDto"];
                };
            };
            /** @description Missing, invalid or expired access token */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource (or not yours: another user's private resource reads as missing) */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    listApiKeys: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyListDto"];
                };
            };
            /** @description Missing, invalid or expired access token */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    createApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateApiKeyDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedApiKeyDto"];
                };
            };
            /** @description Invalid request: `errors` names each field at fault */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid or expired access token */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Conflicts with the current state */
            409: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Unsupported content type */
            415: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description A dependency is unavailable; `Retry-After` says when to try again */
            503: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Retry-After": components["headers"]["Retry-After"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    revokeApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked; no body */
            204: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid request: `errors` names each field at fault */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid or expired access token */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource (or not yours: another user's private resource reads as missing) */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description A dependency is unavailable; `Retry-After` says when to try again */
            503: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Retry-After": components["headers"]["Retry-After"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    adminListUsers: {
        parameters: {
            query?: {
                /** @description Items per page. */
                limit?: number;
                /** @description Only accounts whose e-mail contains this text (case-insensitive). */
                email?: string;
                /** @description `nextCursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AdminUserListDto"];
                };
            };
            /** @description Invalid request: `errors` names each field at fault */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid or expired access token */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    adminUpdateUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateUserDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserDto"];
                };
            };
            /** @description Invalid request: `errors` names each field at fault */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid or expired access token */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource (or not yours: another user's private resource reads as missing) */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Conflicts with the current state */
            409: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Unsupported content type */
            415: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description A dependency is unavailable; `Retry-After` says when to try again */
            503: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Retry-After": components["headers"]["Retry-After"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    adminListImages: {
        parameters: {
            query?: {
                /** @description Items per page. */
                limit?: number;
                /** @description Only public or only private images. */
                visibility?: components["schemas"]["Visibility"];
                /** @description Only this account's images. */
                ownerId?: string;
                /** @description Words of the prompt or tags (all must match; the last may be a prefix). */
                q?: string;
                provider?: string;
                model?: string;
                tag?: string;
                /** @description Made at or after this time (ISO-8601). */
                from?: string;
                /** @description Made before this time (ISO-8601). */
                to?: string;
                /** @description `nextCursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ImageListDto"];
                };
            };
            /** @description Invalid request: `errors` names each field at fault */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid or expired access token */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    adminListGenerations: {
        parameters: {
            query?: {
                /** @description Items per page. */
                limit?: number;
                /** @description Only jobs in this state. */
                status?: components["schemas"]["JobStatus"];
                /** @description Only this account's generations. */
                ownerId?: string;
                /** @description `nextCursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GenerationListDto"];
                };
            };
            /** @description Invalid request: `errors` names each field at fault */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid or expired access token */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    adminGetLogLevel: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LogLevelDto"];
                };
            };
            /** @description Missing, invalid or expired access token */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    adminSetLogLevel: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SetLogLevelDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LogLevelDto"];
                };
            };
            /** @description Invalid request: `errors` names each field at fault */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid or expired access token */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Unsupported content type */
            415: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description A dependency is unavailable; `Retry-After` says when to try again */
            503: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Retry-After": components["headers"]["Retry-After"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    createPrompt: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["CreatePromptDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PromptDto"];
                };
            };
            /** @description Invalid request: `errors` names each field at fault */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid or expired access token */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Unsupported content type */
            415: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description A dependency is unavailable; `Retry-After` says when to try again */
            503: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Retry-After": components["headers"]["Retry-After"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    listPromptDatasets: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PromptDatasetsDto"];
                };
            };
        };
    };
    listProviders: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProviderListDto"];
                };
            };
        };
    };
    listGenerations: {
        parameters: {
            query?: {
                /** @description Items per page. */
                limit?: number;
                /** @description Only jobs in this state. */
                status?: components["schemas"]["JobStatus"];
                /** @description `nextCursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GenerationListDto"];
                };
            };
            /** @description Invalid request: `errors` names each field at fault */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid or expired access token */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    createGeneration: {
        parameters: {
            query?: never;
            header?: {
                /** @description Retries with the same key return the first job (with `Idempotent-Replayed: true`) instead of starting another; the same key with a different body is a 409. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        /** @description Every field is optional; no body (or `{}`) means a random prompt, default provider. */
        requestBody?: {
            content: {
                "application/json": components["schemas"]["CreateGenerationDto"];
            };
        };
        responses: {
            /** @description Queued (or, for a reused Idempotency-Key, the first job) */
            202: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    Location: components["headers"]["Location"];
                    "Idempotent-Replayed": components["headers"]["Idempotent-Replayed"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GenerationDto"];
                };
            };
            /** @description Invalid request: `errors` names each field at fault */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid or expired access token */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Conflicts with the current state */
            409: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Unsupported content type */
            415: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Too many requests, generations in flight, or images today (the daily quota); `Retry-After` says when to try again */
            429: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Retry-After": components["headers"]["Retry-After"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description A dependency is unavailable; `Retry-After` says when to try again */
            503: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Retry-After": components["headers"]["Retry-After"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    getGeneration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GenerationDto"];
                };
            };
            /** @description Invalid request: `errors` names each field at fault */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid or expired access token */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource (or not yours: another user's private resource reads as missing) */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    streamGenerationEvents: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description An event stream: each `data:` line is a `GenerationDto` as JSON; the stream ends after a terminal state */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description Invalid request: `errors` names each field at fault */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid or expired access token */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource (or not yours: another user's private resource reads as missing) */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    cancelGeneration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Canceled */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GenerationDto"];
                };
            };
            /** @description Invalid request: `errors` names each field at fault */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid or expired access token */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource (or not yours: another user's private resource reads as missing) */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Conflicts with the current state */
            409: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description A dependency is unavailable; `Retry-After` says when to try again */
            503: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Retry-After": components["headers"]["Retry-After"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    listPublicImages: {
        parameters: {
            query?: {
                /** @description Items per page. */
                limit?: number;
                /** @description Words of the prompt or tags (all must match; the last may be a prefix). */
                q?: string;
                provider?: string;
                model?: string;
                tag?: string;
                /** @description Made at or after this time (ISO-8601). */
                from?: string;
                /** @description Made before this time (ISO-8601). */
                to?: string;
                /** @description `nextCursor` of the previous page. */
                cursor?: string;
            };
            header?: {
                /** @description The `ETag` of the page you hold; a match is answered 304 without the page. */
                "If-None-Match"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The page */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    ETag: components["headers"]["ETag"];
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ImageListDto"];
                };
            };
            /** @description Not modified: your copy (its `ETag` sent in `If-None-Match`) is current */
            304: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    ETag: components["headers"]["ETag"];
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid request: `errors` names each field at fault */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    listMyImages: {
        parameters: {
            query?: {
                /** @description Items per page. */
                limit?: number;
                /** @description Only public or only private images. */
                visibility?: components["schemas"]["Visibility"];
                /** @description Words of the prompt or tags (all must match; the last may be a prefix). */
                q?: string;
                provider?: string;
                model?: string;
                tag?: string;
                /** @description Made at or after this time (ISO-8601). */
                from?: string;
                /** @description Made before this time (ISO-8601). */
                to?: string;
                /** @description `nextCursor` of the previous page. */
                cursor?: string;
            };
            header?: {
                /** @description The `ETag` of the page you hold; a match is answered 304 without the page. */
                "If-None-Match"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The page */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    ETag: components["headers"]["ETag"];
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ImageListDto"];
                };
            };
            /** @description Not modified: your copy (its `ETag` sent in `If-None-Match`) is current */
            304: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    ETag: components["headers"]["ETag"];
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid request: `errors` names each field at fault */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid or expired access token */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    getImage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ImageDto"];
                };
            };
            /** @description Invalid request: `errors` names each field at fault */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid or expired access token */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource (or not yours: another user's private resource reads as missing) */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    deleteImage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted; no body */
            204: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid request: `errors` names each field at fault */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid or expired access token */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource (or not yours: another user's private resource reads as missing) */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description A dependency is unavailable; `Retry-After` says when to try again */
            503: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Retry-After": components["headers"]["Retry-After"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    updateImage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateImageDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ImageDto"];
                };
            };
            /** @description Invalid request: `errors` names each field at fault */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid or expired access token */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource (or not yours: another user's private resource reads as missing) */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Unsupported content type */
            415: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description A dependency is unavailable; `Retry-After` says when to try again */
            503: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Retry-After": components["headers"]["Retry-After"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    getImageContent: {
        parameters: {
            query?: {
                /** @description Unix time (seconds) the signed URL expires at. */
                expires?: number;
                /** @description The URL's signature; with `expires`, it grants access without a token. */
                signature?: string;
            };
            header?: {
                /** @description One byte range, e.g. `bytes=0-1023` (answered 206) or `bytes=-500`. */
                Range?: string;
                /** @description The `ETag` you hold; a match is answered 304 without the bytes. */
                "If-None-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The image */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    ETag: components["headers"]["ETag"];
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Accept-Ranges": components["headers"]["Accept-Ranges"];
                    "Content-Length": components["headers"]["Content-Length"];
                    [name: string]: unknown;
                };
                content: {
                    "image/png": string;
                };
            };
            /** @description The requested range of the the image */
            206: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    ETag: components["headers"]["ETag"];
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Accept-Ranges": components["headers"]["Accept-Ranges"];
                    "Content-Range": components["headers"]["Content-Range"];
                    "Content-Length": components["headers"]["Content-Length"];
                    [name: string]: unknown;
                };
                content: {
                    "image/png": string;
                };
            };
            /** @description With BLOB_SIGNED_URLS: a short-lived signed URL of the blob store to fetch the bytes from */
            302: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    Location: components["headers"]["Location"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not modified: your copy (its `ETag` sent in `If-None-Match`) is current */
            304: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    ETag: components["headers"]["ETag"];
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Accept-Ranges": components["headers"]["Accept-Ranges"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid request: `errors` names each field at fault */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid or expired access token */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /**
             * @description Not allowed
             *
             *     Not allowed
             */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource (or not yours: another user's private resource reads as missing) */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Range not satisfiable; `Content-Range` gives the size */
            416: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Content-Range": components["headers"]["Content-Range"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    getImageThumbnail: {
        parameters: {
            query?: {
                /** @description Unix time (seconds) the signed URL expires at. */
                expires?: number;
                /** @description The URL's signature; with `expires`, it grants access without a token. */
                signature?: string;
            };
            header?: {
                /** @description One byte range, e.g. `bytes=0-1023` (answered 206) or `bytes=-500`. */
                Range?: string;
                /** @description The `ETag` you hold; a match is answered 304 without the bytes. */
                "If-None-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The thumbnail */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    ETag: components["headers"]["ETag"];
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Accept-Ranges": components["headers"]["Accept-Ranges"];
                    "Content-Length": components["headers"]["Content-Length"];
                    [name: string]: unknown;
                };
                content: {
                    "image/webp": string;
                };
            };
            /** @description The requested range of the the thumbnail */
            206: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    ETag: components["headers"]["ETag"];
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Accept-Ranges": components["headers"]["Accept-Ranges"];
                    "Content-Range": components["headers"]["Content-Range"];
                    "Content-Length": components["headers"]["Content-Length"];
                    [name: string]: unknown;
                };
                content: {
                    "image/webp": string;
                };
            };
            /** @description With BLOB_SIGNED_URLS: a short-lived signed URL of the blob store to fetch the bytes from */
            302: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    Location: components["headers"]["Location"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not modified: your copy (its `ETag` sent in `If-None-Match`) is current */
            304: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    ETag: components["headers"]["ETag"];
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Accept-Ranges": components["headers"]["Accept-Ranges"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid request: `errors` names each field at fault */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid or expired access token */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /**
             * @description Not allowed
             *
             *     Not allowed
             */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource (or not yours: another user's private resource reads as missing) */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Range not satisfiable; `Content-Range` gives the size */
            416: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Content-Range": components["headers"]["Content-Range"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    listSchedules: {
        parameters: {
            query?: {
                /** @description Items per page. */
                limit?: number;
                /** @description `nextCursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScheduleListDto"];
                };
            };
            /** @description Invalid request: `errors` names each field at fault */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid or expired access token */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    createSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateScheduleDto"];
            };
        };
        responses: {
            /** @description Created, with its next five fire times */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScheduleDto"];
                };
            };
            /** @description Invalid request: `errors` names each field at fault */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid or expired access token */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Conflicts with the current state */
            409: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Unsupported content type */
            415: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description A dependency is unavailable; `Retry-After` says when to try again */
            503: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Retry-After": components["headers"]["Retry-After"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    previewScheduleFireTimes: {
        parameters: {
            query: {
                /** @description Cron expression, as in a schedule: 5 fields, or 6 with seconds first. */
                cron: string;
                /** @description IANA time zone the expression is read in; `UTC` when omitted. */
                timezone?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FireTimesDto"];
                };
            };
            /** @description Invalid request: `errors` names each field at fault */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid or expired access token */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    getSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScheduleDto"];
                };
            };
            /** @description Invalid request: `errors` names each field at fault */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid or expired access token */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource (or not yours: another user's private resource reads as missing) */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    deleteSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted; no body */
            204: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid request: `errors` names each field at fault */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid or expired access token */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource (or not yours: another user's private resource reads as missing) */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description A dependency is unavailable; `Retry-After` says when to try again */
            503: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Retry-After": components["headers"]["Retry-After"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    updateSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateScheduleDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScheduleDto"];
                };
            };
            /** @description Invalid request: `errors` names each field at fault */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid or expired access token */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource (or not yours: another user's private resource reads as missing) */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Unsupported content type */
            415: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description A dependency is unavailable; `Retry-After` says when to try again */
            503: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Retry-After": components["headers"]["Retry-After"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    runSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The queued generation of the run */
            202: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GenerationDto"];
                };
            };
            /** @description Invalid request: `errors` names each field at fault */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid or expired access token */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource (or not yours: another user's private resource reads as missing) */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Too many requests, generations in flight, or images today (the daily quota); `Retry-After` says when to try again */
            429: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Retry-After": components["headers"]["Retry-After"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description A dependency is unavailable; `Retry-After` says when to try again */
            503: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Retry-After": components["headers"]["Retry-After"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    listScheduleRuns: {
        parameters: {
            query?: {
                /** @description Items per page. */
                limit?: number;
                /** @description `nextCursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScheduleRunListDto"];
                };
            };
            /** @description Invalid request: `errors` names each field at fault */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid or expired access token */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Not allowed */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource (or not yours: another user's private resource reads as missing) */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    getLiveness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthDto"];
                };
            };
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthDto"];
                };
            };
            /** @description A dependency is unavailable; `Retry-After` says when to try again */
            503: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Retry-After": components["headers"]["Retry-After"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
}
