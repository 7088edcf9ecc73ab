// An independent implementation of C2SP signed notes, Go's golang.org/x/mod/sumdb/note,
// checking the gateway's checkpoints and signing notes for the gateway's verifier.
//
//	go run notes.go verify <vkey>   reads a signed note on stdin; prints its text if the key verifies it, exits 1 otherwise
//	go run notes.go sign <name>     reads a text on stdin; prints the new verifier key, a line "--", then the signed note
package main

import (
	"crypto/rand"
	"fmt"
	"io"
	"os"

	"golang.org/x/mod/sumdb/note"
)

func main() {
	if len(os.Args) != 3 {
		fail("usage: notes verify <vkey> | notes sign <name>")
	}
	input, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail(err.Error())
	}
	switch os.Args[1] {
	case "verify":
		verifier, err := note.NewVerifier(os.Args[2])
		if err != nil {
			fail("verifier key: " + err.Error())
		}
		opened, err := note.Open(input, note.VerifierList(verifier))
		if err != nil {
			fail("note: " + err.Error())
		}
		fmt.Print(opened.Text)
	case "sign":
		skey, vkey, err := note.GenerateKey(rand.Reader, os.Args[2])
		if err != nil {
			fail(err.Error())
		}
		signer, err := note.NewSigner(skey)
		if err != nil {
			fail(err.Error())
		}
		signed, err := note.Sign(&note.Note{Text: string(input)}, signer)
		if err != nil {
			fail(err.Error())
		}
		fmt.Printf("%s\n--\n%s", vkey, signed)
	default:
		fail("unknown mode " + os.Args[1])
	}
}

func fail(message string) {
	fmt.Fprintln(os.Stderr, message)
	os.Exit(1)
}
