package forward

import (
	"fmt"
	"os"
	"strings"
)

// SecretRef is the webhook HMAC key: inline (secret), from an environment
// variable (secret_env) or from a file (secret_file).
type SecretRef struct {
	Value string `yaml:"secret"`
	Env   string `yaml:"secret_env"`
	File  string `yaml:"secret_file"`
}

// TokenRef is a bearer token (Splunk HEC): token, token_env or token_file.
type TokenRef struct {
	Value string `yaml:"token"`
	Env   string `yaml:"token_env"`
	File  string `yaml:"token_file"`
}

// PasswordRef is a password: password, password_env or password_file.
type PasswordRef struct {
	Value string `yaml:"password"`
	Env   string `yaml:"password_env"`
	File  string `yaml:"password_file"`
}

// APIKeyRef is an Elasticsearch API key (the base64 "id:key" form):
// api_key, api_key_env or api_key_file.
type APIKeyRef struct {
	Value string `yaml:"api_key"`
	Env   string `yaml:"api_key_env"`
	File  string `yaml:"api_key_file"`
}

// Resolve returns the secret. It is empty when none is configured.
func (r SecretRef) Resolve() (string, error) { return resolveSecret("secret", r.Value, r.Env, r.File) }

// Resolve returns the token. It is empty when none is configured.
func (r TokenRef) Resolve() (string, error) { return resolveSecret("token", r.Value, r.Env, r.File) }

// Resolve returns the password. It is empty when none is configured.
func (r PasswordRef) Resolve() (string, error) {
	return resolveSecret("password", r.Value, r.Env, r.File)
}

// Resolve returns the API key. It is empty when none is configured.
func (r APIKeyRef) Resolve() (string, error) { return resolveSecret("api_key", r.Value, r.Env, r.File) }

// resolveSecret reads a secret from exactly one of its sources. Errors name
// the key and the source, never the value.
func resolveSecret(key, value, env, file string) (string, error) {
	set := 0
	for _, s := range []string{value, env, file} {
		if s != "" {
			set++
		}
	}
	if set > 1 {
		return "", fmt.Errorf("%s: set only one of %s, %s_env, %s_file", key, key, key, key)
	}
	switch {
	case env != "":
		v, ok := os.LookupEnv(env)
		if !ok || v == "" {
			return "", fmt.Errorf("%s_env: environment variable %s is not set", key, env)
		}
		return v, nil
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("%s_file: %w", key, err)
		}
		v := strings.TrimRight(string(b), "\r\n")
		if v == "" {
			return "", fmt.Errorf("%s_file: %s is empty", key, file)
		}
		return v, nil
	}
	return value, nil
}
