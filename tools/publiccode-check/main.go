// Command publiccode-check validates publiccode.yml with the reachable version of the
// official parser (italia/publiccode-parser-go v4.1.1). It is a separate module so the
// parser's dependencies never enter the sportello binary.
//
//	cd tools/publiccode-check && go run . ../../publiccode.yml
package main

import (
	"fmt"
	"os"

	publiccode "github.com/italia/publiccode-parser-go/v4"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: publiccode-check FILE")
		os.Exit(2)
	}
	// No network: the parser would otherwise fetch the URLs in the file.
	p, err := publiccode.NewParser(publiccode.ParserConfig{DisableNetwork: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if _, err := p.Parse(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("publiccode.yml: valid")
}
