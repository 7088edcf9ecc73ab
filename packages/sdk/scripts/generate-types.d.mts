export declare const specFile: string
export declare const typesFile: string
export declare function generateTypes(): Promise<string>
